import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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

    for (const [name, fn] of Object.entries(props.functions)) {
      const alarm = new Alarm(this, `${capitalized(name)}Errors`, {
        alarmDescription: `The ${name} function threw (or timed out) at least once in 5 minutes.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.functionErrors[name] = alarm;
      all.push(alarm);
    }

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const alarm = new Alarm(this, `${capitalized(name)}Messages`, {
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue: inspect them and redrive.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.deadLetters[name] = alarm;
      all.push(alarm);
    }

    // The watchdog publishes one datapoint per market and month (1 = not succeeded); no data is normal.
    for (const market of MARKET_CODES) {
      const alarm = new Alarm(this, `MonthlyRunNotSucceeded${market}`, {
        alarmDescription:
          `${market}: the month's evaluation run has not succeeded two hours after its start ` +
          '(00:00 market-local on the 1st). Check GET /v1/evaluations/{runId}; rerun with POST /v1/evaluations.',
        metric: new Metric({
          namespace: RUN_HEALTH_METRIC.namespace,
          metricName: RUN_HEALTH_METRIC.metricName,
          dimensionsMap: { ...RUN_HEALTH_METRIC.serviceDimension, [RUN_HEALTH_METRIC.dimension]: market },
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      this.monthlyRunNotSucceeded[market] = alarm;
      all.push(alarm);
    }

    if (props.alarmTopicArn !== undefined) {
      const action = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
      for (const alarm of all) alarm.addAlarmAction(action);
    }
  }
}
