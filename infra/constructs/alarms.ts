import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MARKET_CODES } from '../../shared/domain/calendar';
import type { Market } from '../../shared/domain/calendar';
import { RUN_HEALTH_METRIC } from './monthly-evaluation';

export interface AlarmsProps {
  /** Every deployed function, by a readable name (its Errors alarm is named after it). */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Every dead-letter queue: one message in any of them is work that did not happen. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Optional SNS topic to notify (context `alarmTopicArn`); without it the alarms show in the console. */
  readonly alarmTopicArn?: string;
}

function capitalized(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/** What an operator must hear about: failing functions, parked messages, a month whose run did not succeed. */
export class Alarms extends Construct {
  readonly functionErrors: Record<string, Alarm> = {};
  readonly deadLetters: Record<string, Alarm> = {};
  readonly monthlyRunNotSucceeded: Partial<Record<Market, Alarm>> = {};

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const all: Alarm[] = [];
    /** Every alarm here fires on one datapoint >= 1; no data means nothing happened. */
    const atLeastOnce = (alarmId: string, alarmDescription: string, metric: IMetric): Alarm => {
      const alarm = new Alarm(this, alarmId, {
        alarmDescription,
        metric,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      all.push(alarm);
      return alarm;
    };

    for (const [name, fn] of Object.entries(props.functions)) {
      this.functionErrors[name] = atLeastOnce(
        `${capitalized(name)}Errors`,
        `The ${name} function threw (or timed out) at least once in 5 minutes.`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      );
    }

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.deadLetters[name] = atLeastOnce(
        `${capitalized(name)}Messages`,
        `Messages are waiting in the ${name} dead-letter queue: inspect them and redrive.`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      );
    }

    // The watchdog publishes one datapoint per market and month (1 = not succeeded); no data is normal.
    for (const market of MARKET_CODES) {
      this.monthlyRunNotSucceeded[market] = atLeastOnce(
        `MonthlyRunNotSucceeded${market}`,
        `${market}: the month's evaluation run has not succeeded two hours after its start ` +
          '(00:00 market-local on the 1st). Check GET /v1/evaluations/{runId}; rerun with POST /v1/evaluations.',
        new Metric({
          namespace: RUN_HEALTH_METRIC.namespace,
          metricName: RUN_HEALTH_METRIC.metricName,
          dimensionsMap: { ...RUN_HEALTH_METRIC.serviceDimension, [RUN_HEALTH_METRIC.dimension]: market },
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
      );
    }

    if (props.alarmTopicArn !== undefined) {
      const action = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
      for (const alarm of all) alarm.addAlarmAction(action);
    }
  }
}
