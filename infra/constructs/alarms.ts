import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MARKET_CODES } from '../../shared/domain/calendar';
import type { Market } from '../../shared/domain/calendar';
import { SERVER_ERRORS_METRIC } from '../../shared/observability/server-errors';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../function-defaults';
import { RUN_HEALTH_METRIC } from './monthly-evaluation';

/** Thresholds an operator may want to read next to the alarm that uses them. */
export const ALARM_THRESHOLDS = {
  /** Percent of API requests answered 5xx in 5 minutes, in 2 of 3 periods. */
  api5xxPercent: 1,
  /** API p99 latency (ms) in 3 consecutive 5-minute periods: ingest batches and runs included, so generous. */
  apiP99Ms: 2_000,
  /**
   * Oldest segment waiting (s). A scheduled market group is about 6 waves of at most 3 minutes at 32
   * workers (docs/scale.md); an hour means workers are not taking segments.
   */
  segmentAgeSeconds: 3_600,
} as const;

/** Metrics our code publishes (EMF, namespace SellerBadges, Powertools' default `service` dimension). */
const serviceMetric = (metricName: string, period: Duration): Metric =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: SERVICE_NAME }, statistic: 'Sum', period });

export interface AlarmsProps {
  /** Every deployed function, by a readable name (its Errors and Throttles alarms are named after it). */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Every dead-letter queue: one message in any of them is work that did not happen. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly segmentQueue: IQueue;
  /** The segment DLQ: its consumer takes messages at once, so a received message is the signal. */
  readonly segmentDlq: IQueue;
  readonly table: ITable;
  readonly httpApi: IHttpApi;
  /** The lookup function: lookups per second and its p99 on the dashboard. */
  readonly lookup: IFunction;
  /** The worker's logs, where each finished segment logs its counts (the dashboard's run progress). */
  readonly workerLogs: ILogGroup;
  /** Subscribed to the alarm topic by e-mail (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What an operator must hear about, on one SNS topic: the API failing or slow, any function failing or
 * throttled, answers of 500, the table throttling, the monthly run stuck, failing or not succeeded, work
 * parked in a DLQ. And one dashboard for the run and the storefront traffic.
 */
export class Alarms extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  readonly monthlyRunNotSucceeded: Partial<Record<Market, Alarm>> = {};

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    // Notifications name functions, queues and runs: encrypted at rest with a key of our own, because
    // CloudWatch can publish to an encrypted topic only when a customer managed key lets it (the AWS
    // managed aws/sns key cannot).
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'seller-badges alarm topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'seller-badges alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.topic);

    const alarm = (
      alarmId: string,
      alarmDescription: string,
      metric: IMetric,
      threshold = 1,
      periods: { evaluationPeriods: number; datapointsToAlarm?: number } = { evaluationPeriods: 1 },
    ): Alarm => {
      const created = new Alarm(this, alarmId, {
        alarmDescription,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ...periods,
        // No data means nothing happened (no requests, no failures, no run yet).
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    // --- API ---
    const api5xxRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: props.httpApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES }),
        requests: props.httpApi.metricCount({ statistic: 'Sum', period: FIVE_MINUTES }),
      },
      period: FIVE_MINUTES,
      label: 'API 5xx (% of requests)',
    });
    alarm(
      'Api5xxRate',
      `At least ${ALARM_THRESHOLDS.api5xxPercent}% of API requests answered 5xx in 2 of 3 five-minute periods.`,
      api5xxRate,
      ALARM_THRESHOLDS.api5xxPercent,
      { evaluationPeriods: 3, datapointsToAlarm: 2 },
    );
    const apiP99 = props.httpApi.metricLatency({ statistic: 'p99', period: FIVE_MINUTES, label: 'API p99 (ms)' });
    alarm(
      'ApiP99Latency',
      `API p99 latency at or above ${ALARM_THRESHOLDS.apiP99Ms} ms for 15 minutes.`,
      apiP99,
      ALARM_THRESHOLDS.apiP99Ms,
      { evaluationPeriods: 3 },
    );
    const serverErrors = serviceMetric(SERVER_ERRORS_METRIC.name, FIVE_MINUTES);
    alarm(
      'ServerErrors',
      'A function answered HTTP 500 (an error the chain did not expect): see the function logs for "unhandled error".',
      serverErrors,
    );

    // --- functions ---
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${pascal(name)}Errors`,
        `The ${name} function threw (or timed out) at least once in 5 minutes.`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      );
      alarm(
        `${pascal(name)}Throttles`,
        `The ${name} function was throttled (concurrency exhausted) at least once in 5 minutes.`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      );
    }

    // --- table ---
    const throttled = props.table.metricThrottledRequestsForOperations({
      operations: [
        Operation.GET_ITEM,
        Operation.BATCH_GET_ITEM,
        Operation.QUERY,
        Operation.PUT_ITEM,
        Operation.UPDATE_ITEM,
        Operation.BATCH_WRITE_ITEM,
        Operation.TRANSACT_WRITE_ITEMS,
      ],
      period: FIVE_MINUTES,
      statistic: 'Sum',
    });
    alarm(
      'TableThrottledRequests',
      'DynamoDB throttled requests: the table needs more warm throughput (docs/scale.md) or fewer workers.',
      throttled,
    );

    // --- monthly run ---
    const segmentAge = props.segmentQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' });
    alarm(
      'SegmentQueueAge',
      `A segment has waited ${ALARM_THRESHOLDS.segmentAgeSeconds / 60} minutes or more in the segment queue: workers are not taking them.`,
      segmentAge,
      ALARM_THRESHOLDS.segmentAgeSeconds,
    );
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${pascal(name)}Messages`,
        `Messages are waiting in the ${name} dead-letter queue: inspect them and redrive.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      );
    }
    alarm(
      'SegmentDeadLettered',
      'A segment failed every receive and reached the segment DLQ; its run is marked failed. Fix the cause, ' +
        'then rerun the month with POST /v1/evaluations.',
      props.segmentDlq.metricNumberOfMessagesReceived({ period: FIVE_MINUTES, statistic: 'Sum' }),
    );
    const shopsFailed = serviceMetric('ShopsFailed', FIVE_MINUTES);
    alarm(
      'ShopsFailed',
      'Shops failed to evaluate in a run: the run lists them in `failures`; rerun them with POST /v1/evaluations { shopIds }.',
      shopsFailed,
    );
    // The watchdog publishes one datapoint per market at 02:00 on the 1st and at 00:00 on the 2nd (1 = not
    // succeeded); in between the alarm goes back to OK (no data), so a run still failing alarms again.
    for (const market of MARKET_CODES) {
      this.monthlyRunNotSucceeded[market] = alarm(
        `MonthlyRunNotSucceeded${market}`,
        `${market}: the month's evaluation run has not succeeded 2 h (or again 24 h) after its start ` +
          '(00:00 market-local on the 1st). Check GET /v1/evaluations?month=; rerun with POST /v1/evaluations.',
        new Metric({
          namespace: RUN_HEALTH_METRIC.namespace,
          metricName: RUN_HEALTH_METRIC.metricName,
          dimensionsMap: { ...RUN_HEALTH_METRIC.serviceDimension, [RUN_HEALTH_METRIC.dimension]: market },
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
      );
    }

    // --- dashboard ---
    const lookupsPerSecond = new MathExpression({
      expression: 'lookups / PERIOD(lookups)',
      usingMetrics: { lookups: props.lookup.metricInvocations({ statistic: 'Sum', period: Duration.minutes(1) }) },
      label: 'lookups/s (reaching the function)',
      period: Duration.minutes(1),
    });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'seller-badges' });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '## Monthly run\nSegments and shops per 5 minutes (worker logs), failed shops, and the segment queue.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Run progress: segments and shops evaluated',
        logGroupNames: [props.workerLogs.logGroupName],
        queryLines: [
          'fields @timestamp',
          "filter message = 'segment done'",
          'stats count(*) as segments, sum(counts.evaluated) as shopsEvaluated, sum(counts.failed) as shopsFailed by bin(5m)',
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Shops failed',
        left: [shopsFailed],
        width: 6,
      }),
      new GraphWidget({
        title: 'Segment queue',
        left: [
          props.segmentQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), label: 'waiting' }),
          props.segmentQueue.metricApproximateNumberOfMessagesNotVisible({ period: Duration.minutes(1), label: 'in progress' }),
          props.segmentQueue.metricNumberOfMessagesDeleted({ period: Duration.minutes(1), statistic: 'Sum', label: 'done' }),
        ],
        right: [segmentAge],
        width: 6,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lookups per second', left: [lookupsPerSecond], width: 8 }),
      new GraphWidget({
        title: 'p99 latency (ms)',
        left: [apiP99, props.lookup.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: 'lookup function p99' })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Errors',
        left: [serverErrors, props.httpApi.metricServerError({ statistic: 'Sum', period: FIVE_MINUTES, label: 'API 5xx' })],
        right: Object.entries(props.functions).map(([name, fn]) =>
          fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: `${name} errors` }),
        ),
        width: 8,
      }),
    );
  }
}
