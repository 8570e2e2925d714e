/**
 * The operational shape of the stack (issue 10): the queue keeps and dead-letters segments, the DLQ has a
 * consumer, the worker and watchdog can act on the queue, the table is pre-warmed and expires days, alarms
 * reach a person through one encrypted topic, a dashboard shows the run, and every function's table grant
 * is written out action by action.
 *
 * Bundling is skipped (context aws:cdk:bundling-stacks = []): these tests pin configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadgeFunction } from '../../infra/constructs/badge-function';
import { RUN_ITEMS, SHOP_ITEMS, WARM_THROUGHPUT } from '../../infra/constructs/badge-table';
import { FUNCTION_NAMES, REPO_ROOT, functionEntry, type FunctionName } from '../../infra/function-defaults';
import type { SellerBadgesStack } from '../../infra/stack';
import { MARKETS, MARKET_CODES } from '../../shared/domain/calendar';
import * as keys from '../../shared/store/keys';
import { roleStatements, synth as synthStack, type Json, type Statement } from './synth';

const JWT = { jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'seller-badges-client' };
const synth = (context: Record<string, unknown> = {}) => synthStack({ ...JWT, ...context });

let stack: SellerBadgesStack;
let template: Template;
let fnIds: Record<FunctionName, string>;

const id = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;
const arnOf = (construct: { node: { defaultChild?: unknown } }): Json => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function statementsOf(name: FunctionName): Statement[] {
  const fn = template.findResources('AWS::Lambda::Function')[fnIds[name]] as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } };
  return roleStatements(template, fn.Properties.Role['Fn::GetAtt'][0]);
}
const dynamoStatements = (name: FunctionName): Statement[] =>
  statementsOf(name).filter((s) => asList(s.Action).some((a) => a.startsWith('dynamodb:')));
const actionsOn = (name: FunctionName, resource: unknown): string[] =>
  statementsOf(name)
    .filter((s) => asList(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap((s) => asList(s.Action));

function fnProps(name: FunctionName): Json {
  return (template.findResources('AWS::Lambda::Function')[fnIds[name]] as { Properties: Json }).Properties;
}

beforeAll(() => {
  ({ stack, template } = synth({ alarmEmail: 'oncall@example.com' }));
  const built = stack.node.findAll().filter((c): c is BadgeFunction => c instanceof BadgeFunction);
  fnIds = Object.fromEntries(built.map((f) => [f.name, id(f.fn)])) as Record<FunctionName, string>;
});

describe('segment queue and its DLQ', () => {
  it('keeps segments and dead segments 14 days', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    for (const queue of [stack.evaluation.segmentQueue, stack.evaluation.segmentDlq]) {
      expect((queues[id(queue)] as { Properties: Json }).Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    }
  });

  it('has a dead-letter function, from functions/dead-letter/handler.ts, consuming the DLQ a few at a time with per-item failures', () => {
    expect(FUNCTION_NAMES).toContain('dead-letter');
    expect(functionEntry('dead-letter')).toBe(join(REPO_ROOT, 'functions', 'dead-letter', 'handler.ts'));
    expect(stack.evaluation.deadLetter.name).toBe('dead-letter');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(stack.evaluation.segmentDlq),
      FunctionName: { Ref: fnIds['dead-letter'] },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // SQS event sources: the queue hides a message at least as long as its consumer may run.
    const dlq = (template.findResources('AWS::SQS::Queue')[id(stack.evaluation.segmentDlq)] as { Properties: Json }).Properties;
    expect(dlq.VisibilityTimeout as number).toBeGreaterThanOrEqual(fnProps('dead-letter').Timeout as number);
  });

  it('gives the worker the queue URL and lets it shorten a failed segment\'s visibility', () => {
    const queue = stack.evaluation.segmentQueue;
    expect((fnProps('worker').Environment as { Variables: Json }).Variables.SEGMENT_QUEUE_URL).toEqual({ Ref: id(queue) });
    expect(actionsOn('worker', arnOf(queue))).toContain('sqs:ChangeMessageVisibility');
  });

  it('gives the watchdog the queue URL and SendMessage, to re-queue the missing segments of a crashed run', () => {
    const queue = stack.evaluation.segmentQueue;
    expect((fnProps('watchdog').Environment as { Variables: Json }).Variables.SEGMENT_QUEUE_URL).toEqual({ Ref: id(queue) });
    expect(actionsOn('watchdog', arnOf(queue))).toContain('sqs:SendMessage');
    expect(actionsOn('watchdog', arnOf(queue))).not.toContain('sqs:ReceiveMessage');
  });

  it.each(MARKET_CODES)('%s: the watchdog runs again 24 h after the run starts (00:00 on the 2nd, market-local)', (market) => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 0 2 * ? *)',
      ScheduleExpressionTimezone: MARKETS[market].timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnIds.watchdog, 'Arn'] },
        Input: JSON.stringify({ market, scheduledTime: '<aws.scheduler.scheduled-time>' }),
        DeadLetterConfig: { Arn: arnOf(stack.evaluation.scheduleDlq) },
      }),
    });
  });
});

describe('table', () => {
  it('is pre-warmed for the first 10M-shop run (docs/scale.md: 20,000 WRU/s and 15,000 RRU/s at 32 workers)', () => {
    expect(WARM_THROUGHPUT).toEqual({ readUnitsPerSecond: 15_000, writeUnitsPerSecond: 20_000 });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      WarmThroughput: { ReadUnitsPerSecond: 15_000, WriteUnitsPerSecond: 20_000 },
    });
  });

  it('expires items by TTL on expiresAt (only DAY# items carry it)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('alarms reach a person', () => {
  const topicRef = (): Json => ({ Ref: id(stack.alarms.topic) });

  it('owns one SNS topic, encrypted with a rotated customer managed key CloudWatch may use, over TLS only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0] as string;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('notifies the topic from every alarm', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Json }[];
    expect(alarms.length).toBeGreaterThan(20);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef()]);
  });

  it('subscribes the alarmEmail address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: topicRef() });
  });

  it('warns at synth when no alarmEmail is set, and refuses a malformed one', () => {
    const { stack: bare, template: t } = synth();
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    Annotations.fromStack(bare).hasWarning('*', Match.stringLikeRegexp('alarmEmail not set'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('alarmEmail not set'))).toEqual([]);
    expect(() => synth({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
  });

  it('alarms on the API 5xx rate and p99 latency', () => {
    const apiId = id(stack.api.api);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Json }[];
    const rate = alarms.find((a) => JSON.stringify(a.Properties.Metrics ?? '').includes('100 * errors / requests'));
    expect(rate).toBeDefined();
    const metrics = JSON.stringify(rate?.Properties.Metrics);
    expect(metrics).toContain('"MetricName":"5xx"');
    expect(metrics).toContain('"MetricName":"Count"');
    expect(metrics).toContain(apiId);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          MetricStat: {
            Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: [{ Name: 'ApiId', Value: { Ref: apiId } }] },
            Period: 300,
            Stat: 'p99',
          },
        }),
      ],
      Threshold: 2000,
    });
  });

  it.each(FUNCTION_NAMES)('%s: alarms on Errors and on Throttles', (name) => {
    for (const metricName of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnIds[name] } }],
      });
    }
  });

  it('alarms on ServerErrors (one per 500 answered), ShopsFailed and every market\'s MonthlyRunNotSucceeded', () => {
    for (const metricName of ['ServerErrors', 'ShopsFailed']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'SellerBadges',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'seller-badges' }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    for (const market of MARKET_CODES) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'SellerBadges',
        MetricName: 'MonthlyRunNotSucceeded',
        Dimensions: Match.arrayWith([{ Name: 'Market', Value: market }]),
        AlarmDescription: Match.stringLikeRegexp('24 h'),
      });
    }
  });

  it('alarms on DynamoDB throttled requests, the oldest segment\'s age, DLQ depth and a dead-lettered segment', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: Json }[];
    const throttles = alarms.find((a) => JSON.stringify(a.Properties.Metrics ?? '').includes('ThrottledRequests'));
    expect(JSON.stringify(throttles?.Properties.Metrics)).toContain(id(stack.table.table));
    const queueName = (q: { node: { defaultChild?: unknown } }): Json => ({ 'Fn::GetAtt': [id(q), 'QueueName'] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: queueName(stack.evaluation.segmentQueue) }],
      Threshold: 3600,
    });
    for (const dlq of [stack.evaluation.segmentDlq, stack.evaluation.scheduleDlq]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: queueName(dlq) }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NumberOfMessagesReceived',
      Dimensions: [{ Name: 'QueueName', Value: queueName(stack.evaluation.segmentDlq) }],
    });
  });

  it('has one dashboard: run progress, failed shops, the queue, lookups per second, p99 and errors', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardBody: unknown } };
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const part of ['segment done', 'shopsEvaluated', 'ShopsFailed', 'ApproximateAgeOfOldestMessage', 'Lookups per second', 'p99', 'ServerErrors', 'Errors']) {
      expect([part, body.includes(part)]).toEqual([part, true]);
    }
  });
});

describe('least privilege, written out', () => {
  /** A function without an entry here (e.g. one serving static files) gets no DynamoDB grant at all. */
  const EXPECTED: Partial<Record<FunctionName, { actions: string[]; leadingKeys: readonly string[] | null; index: boolean }>> = {
    lookup: { actions: ['BatchGetItem', 'GetItem', 'Query'], leadingKeys: SHOP_ITEMS, index: false },
    seller: { actions: ['BatchGetItem', 'GetItem', 'Query'], leadingKeys: SHOP_ITEMS, index: false },
    ingest: { actions: ['BatchGetItem', 'BatchWriteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'], leadingKeys: SHOP_ITEMS, index: false },
    admin: { actions: ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'], leadingKeys: null, index: false },
    planner: { actions: ['GetItem', 'PutItem', 'Query', 'UpdateItem'], leadingKeys: RUN_ITEMS, index: false },
    worker: { actions: ['BatchGetItem', 'BatchWriteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'], leadingKeys: null, index: true },
    watchdog: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], leadingKeys: RUN_ITEMS, index: false },
    'dead-letter': { actions: ['GetItem', 'Query', 'UpdateItem'], leadingKeys: RUN_ITEMS, index: false },
  };
  const tableArn = (): Json => arnOf(stack.table.table);
  const indexArn = (): Json => ({ 'Fn::Join': ['', [tableArn(), '/index/byShard']] });

  it('names the shop and run item families as the table keys spell them', () => {
    expect(SHOP_ITEMS).toEqual(['SHOP#*']);
    expect(RUN_ITEMS).toEqual(['RUN#*', 'RUNS', 'RUNS#*', 'MARKET#*']);
  });

  it('puts every partition key of shared/store/keys.ts in exactly one item family (a new family needs a decision here)', () => {
    const matches = (pattern: string, value: string): boolean =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
    const samples = Object.entries(keys).flatMap(([name, value]): [string, string][] => {
      // shardPk is the byShard index's key (gsi1pk), not a table partition key.
      if (name === 'shardPk') return [];
      if (typeof value === 'function' && /Pk$/.test(name)) return [[name, String((value as (...a: unknown[]) => unknown)('x', 1))]];
      if (typeof value === 'string' && /_PK$/.test(name)) return [[name, value]];
      return [];
    });
    expect(samples.length).toBeGreaterThanOrEqual(4);
    for (const [name, pk] of samples) {
      const families = [SHOP_ITEMS, RUN_ITEMS].filter((family) => family.some((pattern) => matches(pattern, pk)));
      expect([name, pk, families.length]).toEqual([name, pk, 1]);
    }
  });

  it.each(FUNCTION_NAMES)('%s: exactly its table actions, under its leading-key condition', (name) => {
    const expected = EXPECTED[name];
    const onTable = dynamoStatements(name).filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn()));
    if (!expected) {
      expect(onTable).toEqual([]);
      return;
    }
    expect(onTable).toHaveLength(1);
    const [statement] = onTable as [Statement];
    expect(asList(statement.Action).sort()).toEqual(expected.actions.map((a) => `dynamodb:${a}`).sort());
    if (expected.leadingKeys === null) expect(statement.Condition).toBeUndefined();
    else expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...expected.leadingKeys] } });
  });

  it.each(FUNCTION_NAMES)('%s: Query on the byShard index only if it reads shards, and no other DynamoDB grant', (name) => {
    const others = dynamoStatements(name).filter((s) => JSON.stringify(s.Resource) !== JSON.stringify(tableArn()));
    expect(others).toEqual(EXPECTED[name]?.index ? [{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: indexArn() }] : []);
  });

  it('grants no Scan, no DeleteItem, no PartiQL and no table-level actions to any function', () => {
    for (const name of FUNCTION_NAMES) {
      const actions = dynamoStatements(name).flatMap((s) => asList(s.Action));
      for (const action of actions) expect([name, action]).not.toEqual([name, expect.stringMatching(/Scan|DeleteItem|PartiQL|Describe|Stream|Shard|Records/)]);
    }
  });

  it('grants no cloudwatch:PutMetricData (EMF needs none) and no X-Ray (no function uses a Tracer)', () => {
    for (const name of FUNCTION_NAMES) {
      const actions = statementsOf(name).flatMap((s) => asList(s.Action));
      expect([name, actions.filter((a) => a.startsWith('cloudwatch:') || a.startsWith('xray:'))]).toEqual([name, []]);
      expect(fnProps(name).TracingConfig).toBeUndefined();
    }
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('@aws-lambda-powertools/tracer');
  });
});
