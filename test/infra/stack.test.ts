/**
 * The deployed shape, pinned: schedules and their time zones, the table's protections, each function's
 * runtime, each route's authorization, the queues and their DLQs, the alarms, and
 * cdk-nag (AwsSolutions) with no unacknowledged finding.
 *
 * Bundling is skipped (context aws:cdk:bundling-stacks = []): these tests pin configuration; `npm run
 * synth` exercises the real esbuild bundling.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../infra/function-defaults';
import { PLACEHOLDER_JWT_ISSUER } from '../../infra/settings';
import { SellerBadgesStack } from '../../infra/stack';
import { MARKETS, MARKET_CODES } from '../../shared/domain/calendar';
import { TABLE } from '../../shared/store/table';
import { CDK_CONTEXT, roleStatements, synth, WEB_ACL, type Json, type Statement } from './synth';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
const AUDIENCE = 'seller-badges-client';

/** The token settings of the functions that serve protected routes (shared/config.ts readAuthConfig). */
function tokenSettingsOf(t: Template, fn: LambdaFunction): Json {
  const resource = t.findResources('AWS::Lambda::Function')[logicalId(fn)] as { Properties: { Environment: { Variables: Json } } };
  const v = resource.Properties.Environment.Variables;
  return { JWT_ISSUER: v.JWT_ISSUER, JWT_AUDIENCE: v.JWT_AUDIENCE };
}


let stack: SellerBadgesStack;
let template: Template;
let fns: Record<FunctionName, LambdaFunction>;

function logicalId(resource: { node: { defaultChild?: unknown } }): string {
  return stack.resolve((resource.node.defaultChild as CfnFunction | CfnRole | CfnTable | CfnQueue).logicalId) as string;
}
const getAtt = (resource: { node: { defaultChild?: unknown } }): Json => ({ 'Fn::GetAtt': [logicalId(resource), 'Arn'] });

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of every policy attached to the role. */
function statementsOfRole(roleLogicalId: string): Statement[] {
  return roleStatements(template, roleLogicalId);
}
function statementsOf(name: FunctionName): Statement[] {
  const role = fns[name].role;
  if (!role) throw new Error(`${name} has no role`);
  return statementsOfRole(logicalId(role));
}
function actionsOn(name: FunctionName, resource: unknown): string[] {
  return statementsOf(name)
    .filter((s) => resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap(actionsOf);
}

beforeAll(() => {
  ({ stack, template } = synth({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE, edgeWebAclArn: WEB_ACL }));
  fns = {
    lookup: stack.api.functions.lookup.fn,
    seller: stack.api.functions.seller.fn,
    ingest: stack.api.functions.ingest.fn,
    admin: stack.api.functions.admin.fn,
    web: stack.api.functions.web.fn,
    planner: stack.evaluation.planner.fn,
    worker: stack.evaluation.worker.fn,
    watchdog: stack.evaluation.watchdog.fn,
    'dead-letter': stack.evaluation.deadLetter.fn,
  };
});

describe('monthly schedules', () => {
  it('has one run schedule and two watchdog schedules per market, 24 in all', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 3 * MARKET_CODES.length);
    expect(MARKET_CODES).toHaveLength(8);
  });

  it.each(MARKET_CODES)('%s: the run starts at 00:00 on the 1st in the market time zone and targets the planner', (market) => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 0 1 * ? *)',
      ScheduleExpressionTimezone: MARKETS[market].timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: getAtt(fns.planner),
        Input: JSON.stringify({ market, scheduledTime: "<aws.scheduler.scheduled-time>" }),
        RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: getAtt(stack.evaluation.scheduleDlq) },
        RoleArn: getAtt(stack.evaluation.schedulerRole),
      },
    });
  });

  it.each(MARKET_CODES)('%s: the watchdog runs at 02:00 on the 1st in the market time zone', (market) => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 1 * ? *)',
      ScheduleExpressionTimezone: MARKETS[market].timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: getAtt(fns.watchdog),
        Input: JSON.stringify({ market, scheduledTime: "<aws.scheduler.scheduled-time>" }),
        DeadLetterConfig: { Arn: getAtt(stack.evaluation.scheduleDlq) },
      }),
    });
  });

  it('lets the scheduler role invoke only the planner and the watchdog, and park failures in its DLQ', () => {
    const statements = statementsOfRole(logicalId(stack.evaluation.schedulerRole));
    expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    const invoke = statements.find((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(resourcesOf(invoke as Statement)).toEqual([getAtt(fns.planner), getAtt(fns.watchdog)]);
    const send = statements.find((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(resourcesOf(send as Statement)).toEqual([getAtt(stack.evaluation.scheduleDlq)]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });

  it('retries failed asynchronous planner and watchdog invocations, then parks them in the schedule DLQ', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const name of ['planner', 'watchdog'] as const) {
      const fn = functions[logicalId(fns[name])] as { Properties: Json };
      expect(fn.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(stack.evaluation.scheduleDlq) });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(fns[name]) },
        MaximumRetryAttempts: 2,
      });
    }
  });
});

describe('table', () => {
  it('is built from the one key schema in shared/store/table.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const indexes: readonly { name: string; partitionKey: string; sortKey: string; nonKeyAttributes?: readonly string[] }[] =
      TABLE.indexes;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: index.nonKeyAttributes?.length
          ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.nonKeyAttributes] }
          : { ProjectionType: 'KEYS_ONLY' },
      })),
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
    });
    expect(indexes.map((i) => [i.name, i.partitionKey, i.sortKey])).toEqual([['byShard', 'gsi1pk', 'gsi1sk']]);
  });

  it('has point-in-time recovery, AWS-managed encryption, deletion protection and is retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled without a key: the AWS managed key aws/dynamodb (no SSESpecification = AWS owned key).
        SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
        DeletionProtectionEnabled: true,
      }),
    });
  });
});

describe('functions', () => {
  const names: FunctionName[] = ['lookup', 'seller', 'ingest', 'admin', 'planner', 'worker', 'watchdog', 'dead-letter'];

  it('deploys exactly the eight functions, and web', () => {
    template.resourceCountIs('AWS::Lambda::Function', names.length + 1);
  });

  it('web serves built files only: no table name and no table grant', () => {
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(fns.web)] as { Properties: { Environment: { Variables: Json } } };
    expect('TABLE_NAME' in fn.Properties.Environment.Variables).toBe(false);
    expect('DAYS_EXPIRE' in fn.Properties.Environment.Variables).toBe(false);
    expect(statementsOf('web').flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it.each(names)('%s runs Node.js 22 on arm64 with source maps, Powertools, the table name and its expiring days, without X-Ray', (name) => {
    const resources = template.findResources('AWS::Lambda::Function');
    const fn = resources[logicalId(fns[name])] as { Properties: Json } | undefined;
    expect(fn).toBeDefined();
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: expect.any(String) as string } },
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: logicalId(stack.table.table) },
          // The table deletes days by TTL: an operator's run of a month whose days are gone is refused.
          DAYS_EXPIRE: 'true',
          POWERTOOLS_SERVICE_NAME: 'seller-badges',
          POWERTOOLS_METRICS_NAMESPACE: 'SellerBadges',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    // No function creates a Tracer: tracing stays off (no TracingConfig, no xray:* grant).
    expect(fn?.Properties.TracingConfig).toBeUndefined();
    const variables = (fn?.Properties.Environment as { Variables: Json }).Variables;
    expect('SEGMENT_QUEUE_URL' in variables).toBe(['admin', 'planner', 'worker', 'watchdog'].includes(name));
  });

  it('keeps lookup lean (512 MB), API functions under 30 s, and gives the worker a segment-sized timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: Match.anyValue(),
      MemorySize: 512,
      Description: Match.stringLikeRegexp('Public badge lookups'),
    });
    const functions = template.findResources('AWS::Lambda::Function');
    const props = (name: FunctionName): Json => (functions[logicalId(fns[name])] as { Properties: Json }).Properties;
    expect(props('worker').Timeout).toBe(900);
    // Every API function answers inside the HTTP API's 30 s integration limit.
    for (const name of ['lookup', 'seller', 'ingest', 'admin'] as const) expect(props(name).Timeout).toBeLessThan(30);
  });

  it('keeps every log group for one month', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', names.length + 2); // + web, + API access logs
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('least-privilege grants', () => {
  const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  const tableArn = (): Json => getAtt(stack.table.table);

  // The full action list of every function is pinned in test/infra/ops.test.ts.
  it.each(['lookup', 'seller'] as const)('%s may only read the table', (name) => {
    expect(actionsOn(name, tableArn())).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    const all = statementsOf(name).flatMap(actionsOf);
    for (const write of WRITES) expect(all).not.toContain(write);
  });

  it('lets only admin, the planner and the watchdog send to the segment queue', () => {
    const queue = getAtt(stack.evaluation.segmentQueue);
    for (const name of Object.keys(fns) as FunctionName[]) {
      const canSend = actionsOn(name, queue).includes('sqs:SendMessage');
      expect([name, canSend]).toEqual([name, ['admin', 'planner', 'watchdog'].includes(name)]);
    }
  });

  it('lets only the worker consume the segment queue', () => {
    const queue = getAtt(stack.evaluation.segmentQueue);
    for (const name of Object.keys(fns) as FunctionName[]) {
      const canReceive = actionsOn(name, queue).includes('sqs:ReceiveMessage');
      expect([name, canReceive]).toEqual([name, name === 'worker']);
    }
  });

  it('uses Resource "*" in no function role (no X-Ray, no PutMetricData: metrics leave as EMF log lines)', () => {
    for (const name of Object.keys(fns) as FunctionName[]) {
      const star = statementsOf(name).filter((s) => resourcesOf(s).includes('*'));
      expect([name, star]).toEqual([name, []]);
    }
  });

  it('attaches no AWS managed policy to function roles (logs go to the function\'s own group only)', () => {
    for (const fn of Object.values(fns)) {
      if (!fn.role) throw new Error(`${fn.node.path} has no role`);
      const role = template.findResources('AWS::IAM::Role')[logicalId(fn.role)] as { Properties: Json };
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('HTTP API', () => {
  // No API Gateway authorizer on any route: the functions verify tokens (shared/http/auth.ts).
  const ROUTES: [string, 'NONE'][] = [
    ['GET /v1/shops/{shopId}/badge', 'NONE'],
    ['GET /v1/badges', 'NONE'],
    ['GET /v1/shops/{shopId}/signals', 'NONE'],
    ['GET /embed/badge.js', 'NONE'],
    ['GET /seller', 'NONE'], // the contract's GET /seller/: an HTTP API path cannot end with '/'
    ['GET /openapi.json', 'NONE'],
    ['GET /health', 'NONE'],
    ['GET /v1/shops/{shopId}/eligibility', 'NONE'],
    ['GET /v1/shops/{shopId}/history', 'NONE'],
    ['GET /v1/shops/{shopId}/projection', 'NONE'],
    ['POST /v1/metrics', 'NONE'],
    ['PUT /v1/shops/{shopId}', 'NONE'],
    ['POST /v1/evaluations', 'NONE'],
    ['GET /v1/evaluations', 'NONE'],
    ['GET /v1/evaluations/{runId}', 'NONE'],
    ['GET /v1/evaluations/{runId}/diff.csv', 'NONE'],
    ['POST /v1/shops/{shopId}/revocations', 'NONE'],
  ];

  it('has exactly the contract routes (and their CORS preflight routes, test/infra/edge.test.ts)', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes).map((r) => (r as { Properties: { RouteKey: string } }).Properties.RouteKey);
    expect(keys.filter((k) => !k.startsWith('OPTIONS ')).sort()).toEqual(ROUTES.map(([key]) => key).sort());
  });

  it.each(ROUTES)('%s has authorization %s', (routeKey, type) => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: type,
      AuthorizerId: Match.absent(),
    });
  });

  it('sends each route to its function', () => {
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const target = (routeKey: string): string => {
      const route = Object.values(routes).find((r) => (r as { Properties: Json }).Properties.RouteKey === routeKey) as {
        Properties: { Target: { 'Fn::Join': [string, [string, { Ref: string }]] } };
      };
      const integration = integrations[route.Properties.Target['Fn::Join'][1][1].Ref] as {
        Properties: { IntegrationUri: { 'Fn::GetAtt': [string, string] } };
      };
      return integration.Properties.IntegrationUri['Fn::GetAtt'][0];
    };
    const expected: Record<string, FunctionName> = {
      'GET /v1/shops/{shopId}/badge': 'lookup',
      'GET /v1/badges': 'lookup',
      'GET /openapi.json': 'admin',
      'GET /v1/shops/{shopId}/eligibility': 'seller',
      'GET /v1/shops/{shopId}/history': 'seller',
      'GET /v1/shops/{shopId}/projection': 'seller',
      'POST /v1/metrics': 'ingest',
      'PUT /v1/shops/{shopId}': 'ingest',
      'POST /v1/evaluations': 'admin',
      'GET /v1/evaluations/{runId}': 'admin',
      'POST /v1/shops/{shopId}/revocations': 'admin',
    };
    for (const [routeKey, fn] of Object.entries(expected)) expect([routeKey, target(routeKey)]).toEqual([routeKey, logicalId(fns[fn])]);
  });

  it('has the functions check JWTs against the issuer and audience given at deploy time', () => {
    for (const name of ['seller', 'ingest', 'admin'] as const) {
      expect(tokenSettingsOf(template, fns[name])).toEqual({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    }
    // The public lookup function serves no protected route: it gets no token settings (and carries no jose).
    expect(tokenSettingsOf(template, fns.lookup)).toEqual({ JWT_ISSUER: undefined, JWT_AUDIENCE: undefined });
  });

  it('throttles the default stage and writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('leaves CORS to the functions (an API CORS configuration would overwrite their per-route headers)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });
});

describe('deploy settings', () => {
  it('falls back to a placeholder issuer that rejects every token, and warns', () => {
    const { stack: bare, template: t } = synth();
    expect(tokenSettingsOf(t, bare.api.functions.seller.fn)).toMatchObject({ JWT_ISSUER: PLACEHOLDER_JWT_ISSUER });
    expect(new URL(PLACEHOLDER_JWT_ISSUER).hostname.endsWith('.invalid')).toBe(true);
    Annotations.fromStack(bare).hasWarning('*', Match.stringLikeRegexp('jwtIssuer/jwtAudience not set'));
  });

  it('refuses half a setting or an issuer that is not https', () => {
    expect(() => synth({ jwtIssuer: ISSUER })).toThrow(/Set both jwtIssuer and jwtAudience/);
    expect(() => synth({ jwtIssuer: 'http://example.com', jwtAudience: 'a' })).toThrow(/must be an https URL/);
    expect(() => synth({ jwtIssuer: 'not a url', jwtAudience: 'a' })).toThrow(/is not a URL/);
  });

  it('accepts several audiences, comma-separated', () => {
    const { stack: s, template: t } = synth({ jwtIssuer: ISSUER, jwtAudience: 'a, b' });
    expect(tokenSettingsOf(t, s.api.functions.seller.fn)).toEqual({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: 'a,b' });
  });

  it('is environment-agnostic: no account or region is baked in', () => {
    expect(Stack.of(stack).account).toMatch(/^\$\{Token/);
    expect(Stack.of(stack).region).toMatch(/^\$\{Token/);
  });
});

describe('segment queue', () => {
  it('parks a segment in the DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: getAtt(stack.evaluation.segmentDlq), maxReceiveCount: 5 },
    });
  });

  it('hides a message for at least 6x the worker timeout', () => {
    const queue = template.findResources('AWS::SQS::Queue')[logicalId(stack.evaluation.segmentQueue)] as {
      Properties: { VisibilityTimeout: number };
    };
    const worker = template.findResources('AWS::Lambda::Function')[logicalId(fns.worker)] as {
      Properties: { Timeout: number };
    };
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
  });

  it('encrypts every queue and refuses plain-text transport', () => {
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 3);
    template.allResourcesProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('feeds the worker one segment at a time with per-item failure reporting', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2); // + the DLQ consumer (ops.test.ts)
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(stack.evaluation.segmentQueue),
      FunctionName: { Ref: logicalId(fns.worker) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
  });
});

describe('alarms', () => {
  const atLeastOne = { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 };

  it('alarms on errors of every function', () => {
    for (const fn of Object.values(fns)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...atLeastOne,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn) } }],
      });
    }
  });

  it('alarms on a message in either dead-letter queue', () => {
    for (const dlq of [stack.evaluation.segmentDlq, stack.evaluation.scheduleDlq]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...atLeastOne,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dlq), 'QueueName'] } }],
      });
    }
  });

  it.each(MARKET_CODES)('%s: alarms when the month\'s run has not succeeded two hours after its start', (market) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...atLeastOne,
      Namespace: 'SellerBadges',
      MetricName: 'MonthlyRunNotSucceeded',
      // Powertools (EMF) publishes with its default `service` dimension next to Market.
      Dimensions: [
        { Name: 'Market', Value: market },
        { Name: 'service', Value: 'seller-badges' },
      ],
      TreatMissingData: 'notBreaching',
    });
  });

  it('has no other alarms than the ones pinned here and in ops.test.ts', () => {
    // API 5xx rate, API p99, ServerErrors; Errors + Throttles per function; table throttles; queue age;
    // both DLQs; a dead-lettered segment; ShopsFailed; one run-health alarm per market.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3 + 2 * Object.keys(fns).length + 1 + 1 + 2 + 1 + 1 + MARKET_CODES.length);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    const describe = (severity: string): string[] =>
      report.violations
        .filter((v) => v.severity === severity)
        .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(describe('error')).toEqual([]);
    expect(describe('warning')).toEqual([]);
    expect(report.success).toBe(true);
    // Findings are reported by the validation plugin, not as annotations; none may be there either.
    expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('lets synth pass with the plugin that app.ts registers, and fail on an unacknowledged finding', () => {
    const clean = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new SellerBadgesStack(clean, 'SellerBadges', {});
    Validations.of(clean).addPlugins(new AwsSolutionsChecks(clean));
    expect(() => clean.synth()).not.toThrow();

    // Negative control: a queue without TLS enforcement or a DLQ (AwsSolutions-SQS3, SQS4) must fail synth.
    const dirty = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    new Queue(new Stack(dirty, 'Unsafe'), 'Plain', { enforceSSL: false });
    Validations.of(dirty).addPlugins(new AwsSolutionsChecks(dirty));
    expect(() => dirty.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('gives every acknowledgement a specific reason, and pins the set', () => {
    const acknowledged = new Map<string, string>();
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          expect(reason.length, `${id} on ${construct.node.path}`).toBeGreaterThan(60);
          acknowledged.set(id.replace(/^annotation::/i, ''), reason);
        }
      }
    }
    expect([...acknowledged.keys()].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-L1',
        // The CDN (test/infra/edge.test.ts): worldwide, logs at the origin, default certificate; the origin secret.
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        'AwsSolutions-SMG4',
      ].sort(),
    );
  });
});
