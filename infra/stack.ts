import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms';
import { BadgeApi } from './constructs/badge-api';
import { BadgeTable } from './constructs/badge-table';
import { MonthlyEvaluation } from './constructs/monthly-evaluation';
import { readDeploySettings } from './settings';

/**
 * seller-badges in one stack, composed of one construct per concern. Environment-agnostic (no account or
 * region, no lookups): synth needs no AWS credentials.
 */
export class SellerBadgesStack extends Stack {
  readonly table: BadgeTable;
  readonly evaluation: MonthlyEvaluation;
  readonly api: BadgeApi;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const settings = readDeploySettings(this);

    this.table = new BadgeTable(this, 'Store');
    this.evaluation = new MonthlyEvaluation(this, 'MonthlyEvaluation', { table: this.table });
    this.api = new BadgeApi(this, 'Api', {
      table: this.table,
      segmentQueue: this.evaluation.segmentQueue,
      jwtIssuer: settings.jwtIssuer,
      jwtAudience: settings.jwtAudience,
    });

    const { lookup, seller, ingest, admin, web } = this.api.functions;
    const { planner, worker, watchdog } = this.evaluation;
    this.alarms = new Alarms(this, 'Alarms', {
      functions: {
        lookup: lookup.fn,
        seller: seller.fn,
        ingest: ingest.fn,
        admin: admin.fn,
        web: web.fn,
        planner: planner.fn,
        worker: worker.fn,
        watchdog: watchdog.fn,
      },
      deadLetterQueues: {
        segmentDlq: this.evaluation.segmentDlq,
        scheduleDlq: this.evaluation.scheduleDlq,
      },
      ...(settings.alarmTopicArn !== undefined ? { alarmTopicArn: settings.alarmTopicArn } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'SegmentQueueUrl', { value: this.evaluation.segmentQueue.queueUrl });
  }
}
