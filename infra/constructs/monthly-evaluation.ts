import { Aws, Duration, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import type { IScheduleTarget } from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MARKETS, MARKET_CODES } from '../../shared/domain/calendar';
import type { Market } from '../../shared/domain/calendar';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../function-defaults';
import { BadgeFunction } from './badge-function';
import type { BadgeTable } from './badge-table';

/** programs.md: month M is evaluated at 00:00 market-local on the 1st of M. */
export const PLANNER_CRON = 'cron(0 0 1 * ? *)';
/** Two hours after the run starts, the watchdog reports whether that month's run has succeeded. */
export const WATCHDOG_CRON = 'cron(0 2 1 * ? *)';
/**
 * And again 24 hours after the start (00:00 on the 2nd): a run still not succeeded by then alarms again,
 * and the watchdog re-queues the segments of a crashed scheduled run that are still missing.
 */
export const WATCHDOG_NEXT_DAY_CRON = 'cron(0 0 2 * ? *)';

/**
 * What the watchdog publishes and the Alarms construct watches (one series per market). The watchdog
 * publishes through Powertools Metrics (EMF), which adds its default `service` dimension to every metric,
 * so the series is identified by { service, Market }: an alarm on { Market } alone would never see it.
 */
export const RUN_HEALTH_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: 'MonthlyRunNotSucceeded',
  dimension: 'Market',
  /** Powertools' default dimension, from POWERTOOLS_SERVICE_NAME. */
  serviceDimension: { service: SERVICE_NAME },
} as const;

/**
 * A segment (one shard of a market) is evaluated within one invocation, with no continuation, so the
 * worker gets Lambda's maximum: a big segment must finish rather than fail on every one of its receives.
 */
export const WORKER_TIMEOUT = Duration.minutes(15);
/** Evaluation is CPU-bound JavaScript: 1,769 MB is one full vCPU. */
export const WORKER_MEMORY_MB = 1769;
/** AWS guidance for SQS event sources: visibility timeout at least 6x the function timeout. */
export const SEGMENT_VISIBILITY_TIMEOUT = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);
export const SEGMENT_MAX_RECEIVE_COUNT = 5;
/**
 * Segment messages are kept 14 days (the SQS maximum; the default is 4): a run held up by an incident
 * keeps its work queued, and the DLQ keeps as long (SQS counts a dead letter's age from its first send).
 */
export const SEGMENT_RETENTION = Duration.days(14);
/** The DLQ consumer handles a few dead segments at once; each is one run to mark failed. */
export const DEAD_LETTER_BATCH_SIZE = 5;
export const DEAD_LETTER_TIMEOUT = Duration.seconds(30);
/**
 * Parallel segments at most: 8 markets x 64 shards would otherwise all start together at a month's
 * start; a cap lets the on-demand table and its GSI ramp up instead of throttling.
 */
export const WORKER_MAX_CONCURRENCY = 32;
/** Scheduler keeps retrying a failed delivery for up to 2 h (the watchdog looks at +2 h), 185 attempts max. */
export const SCHEDULE_RETRY = { maxEventAge: Duration.hours(2), retryAttempts: 185 } as const;

/**
 * EventBridge Scheduler target that invokes one function, granting exactly lambda:InvokeFunction on its
 * unqualified ARN (the stock LambdaInvoke target also grants `<arn>:*`, every version and alias).
 */
class InvokeFunction extends ScheduleTargetBase implements IScheduleTarget {
  constructor(fn: IFunction, props: ScheduleTargetBaseProps) {
    super(props, fn.functionArn);
  }

  protected addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.targetArn] }));
  }
}

export interface MonthlyEvaluationProps {
  readonly table: BadgeTable;
}

/**
 * The monthly run: per market, a schedule at 00:00 local on the 1st invokes the planner, which writes the
 * run and enqueues one message per segment; workers evaluate the segments from the queue; a segment that
 * fails every receive lands in the DLQ, whose consumer marks its run failed; at 02:00 and again at 00:00 on
 * the 2nd (local) the watchdog publishes MonthlyRunNotSucceeded for that market and re-queues the missing
 * segments of a crashed scheduled run.
 */
export class MonthlyEvaluation extends Construct {
  readonly segmentQueue: Queue;
  readonly segmentDlq: Queue;
  /** Scheduler deliveries that failed after every retry, and planner/watchdog async invocations that failed. */
  readonly scheduleDlq: Queue;
  readonly planner: BadgeFunction;
  readonly worker: BadgeFunction;
  readonly watchdog: BadgeFunction;
  /** Consumes the segment DLQ: marks the run of each dead segment failed, with the reason. */
  readonly deadLetter: BadgeFunction;
  readonly schedulerRole: Role;
  readonly plannerSchedules: Record<Market, Schedule>;
  /** 02:00 on the 1st, market-local. */
  readonly watchdogSchedules: Record<Market, Schedule>;
  /** 00:00 on the 2nd, market-local: 24 h after the run's start. */
  readonly nextDayWatchdogSchedules: Record<Market, Schedule>;

  constructor(scope: Construct, id: string, props: MonthlyEvaluationProps) {
    super(scope, id);
    const { table } = props;

    this.segmentDlq = new Queue(this, 'SegmentDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: SEGMENT_RETENTION,
      // AWS guidance for SQS event sources: at least 6x the consumer's timeout.
      visibilityTimeout: Duration.seconds(DEAD_LETTER_TIMEOUT.toSeconds() * 6),
    });
    this.segmentQueue = new Queue(this, 'SegmentQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: SEGMENT_RETENTION,
      // A failed segment comes back sooner: the worker shortens its visibility (ChangeMessageVisibility).
      visibilityTimeout: SEGMENT_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.segmentDlq, maxReceiveCount: SEGMENT_MAX_RECEIVE_COUNT },
    });
    this.scheduleDlq = new Queue(this, 'ScheduleDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.planner = new BadgeFunction(this, 'Planner', {
      name: 'planner',
      description: 'Monthly run of one market: writes the run and enqueues its segments',
      timeout: Duration.minutes(1),
      // Scheduler invokes asynchronously: Lambda retries twice, then parks the event for a redrive.
      retryAttempts: 2,
      deadLetterQueue: this.scheduleDlq,
      environment: { SEGMENT_QUEUE_URL: this.segmentQueue.queueUrl },
    });
    table.bind(this.planner);
    this.segmentQueue.grantSendMessages(this.planner.fn);

    this.worker = new BadgeFunction(this, 'Worker', {
      name: 'worker',
      description: 'Evaluates one segment (one shard of a market) of a run',
      timeout: WORKER_TIMEOUT,
      memorySize: WORKER_MEMORY_MB,
      // The worker shortens a failed segment's visibility for a short backoff (the event source's consume
      // grant includes sqs:ChangeMessageVisibility on this queue).
      environment: { SEGMENT_QUEUE_URL: this.segmentQueue.queueUrl },
    });
    table.bind(this.worker);
    this.worker.fn.addEventSource(
      new SqsEventSource(this.segmentQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: WORKER_MAX_CONCURRENCY,
      }),
    );

    this.watchdog = new BadgeFunction(this, 'Watchdog', {
      name: 'watchdog',
      description:
        'Publishes MonthlyRunNotSucceeded for a market 2 h and 24 h after its monthly run starts; re-queues the missing segments of a crashed scheduled run',
      timeout: Duration.seconds(30),
      retryAttempts: 2,
      deadLetterQueue: this.scheduleDlq,
      environment: { SEGMENT_QUEUE_URL: this.segmentQueue.queueUrl },
    });
    // MonthlyRunNotSucceeded leaves as an EMF log line (Powertools Metrics): no cloudwatch:PutMetricData.
    table.bind(this.watchdog);
    this.segmentQueue.grantSendMessages(this.watchdog.fn);

    this.deadLetter = new BadgeFunction(this, 'DeadLetter', {
      name: 'dead-letter',
      description: 'Marks the run of a segment that reached the segment DLQ failed, with the reason',
      timeout: DEAD_LETTER_TIMEOUT,
    });
    table.bind(this.deadLetter);
    this.deadLetter.fn.addEventSource(
      new SqsEventSource(this.segmentDlq, {
        batchSize: DEAD_LETTER_BATCH_SIZE,
        reportBatchItemFailures: true,
        // The least SQS allows: a handful of dead segments never needs more.
        maxConcurrency: 2,
      }),
    );

    // One role for all schedules: invoke the planner and the watchdog (nothing else), and park failed
    // deliveries in the schedule DLQ. SourceAccount guards against a confused deputy.
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge Scheduler: monthly seller-badges runs and their watchdogs',
    });

    const schedule = (
      kind: 'Run' | 'Watchdog' | 'WatchdogNextDay',
      market: Market,
      cron: string,
      fn: IFunction,
      description: string,
    ): Schedule =>
      new Schedule(this, `${kind}${market}`, {
        description,
        schedule: ScheduleExpression.expression(cron, TimeZone.of(MARKETS[market].timeZone)),
        timeWindow: TimeWindow.off(),
        target: new InvokeFunction(fn, {
          role: this.schedulerRole,
          // The scheduled instant, not the invocation time: a retried or late invocation still plans the
          // month the schedule fired for.
          input: ScheduleTargetInput.fromObject({ market, scheduledTime: ContextAttribute.scheduledTime }),
          deadLetterQueue: this.scheduleDlq,
          maxEventAge: SCHEDULE_RETRY.maxEventAge,
          retryAttempts: SCHEDULE_RETRY.retryAttempts,
        }),
      });

    const planners: Partial<Record<Market, Schedule>> = {};
    const watchdogs: Partial<Record<Market, Schedule>> = {};
    const nextDayWatchdogs: Partial<Record<Market, Schedule>> = {};
    for (const market of MARKET_CODES) {
      const zone = MARKETS[market].timeZone;
      planners[market] = schedule(
        'Run',
        market,
        PLANNER_CRON,
        this.planner.fn,
        `${market}: evaluate the badge month at 00:00 on the 1st, ${zone}`,
      );
      watchdogs[market] = schedule(
        'Watchdog',
        market,
        WATCHDOG_CRON,
        this.watchdog.fn,
        `${market}: check at 02:00 on the 1st (${zone}) that the month's run has succeeded`,
      );
      nextDayWatchdogs[market] = schedule(
        'WatchdogNextDay',
        market,
        WATCHDOG_NEXT_DAY_CRON,
        this.watchdog.fn,
        `${market}: check again at 00:00 on the 2nd (${zone}), 24 h after the run's start`,
      );
    }
    this.plannerSchedules = planners as Record<Market, Schedule>;
    this.watchdogSchedules = watchdogs as Record<Market, Schedule>;
    this.nextDayWatchdogSchedules = nextDayWatchdogs as Record<Market, Schedule>;
  }
}
