import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alarms } from './constructs/alarms';
import { BadgeApi } from './constructs/badge-api';
import { BadgeFunction } from './constructs/badge-function';
import { BadgeTable } from './constructs/badge-table';
import { StorefrontEdge } from './constructs/edge';
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
  readonly edge: StorefrontEdge;

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
      ...(settings.jwksUrl !== undefined ? { jwksUrl: settings.jwksUrl } : {}),
      ...(settings.corsAllowedOrigins !== undefined ? { corsAllowedOrigins: settings.corsAllowedOrigins } : {}),
    });
    this.edge = new StorefrontEdge(this, 'Edge', {
      api: this.api,
      ...(settings.edgeWebAclArn !== undefined ? { webAclArn: settings.edgeWebAclArn } : {}),
    });

    // Every function of the stack, whichever construct made it: each gets its Errors and Throttles alarms.
    const functions = Object.fromEntries(
      this.node
        .findAll()
        .filter((c): c is BadgeFunction => c instanceof BadgeFunction)
        .map((f) => [f.name, f.fn]),
    );
    this.alarms = new Alarms(this, 'Alarms', {
      functions,
      deadLetterQueues: {
        segmentDlq: this.evaluation.segmentDlq,
        scheduleDlq: this.evaluation.scheduleDlq,
      },
      segmentQueue: this.evaluation.segmentQueue,
      segmentDlq: this.evaluation.segmentDlq,
      table: this.table.table,
      httpApi: this.api.api,
      lookup: this.api.functions.lookup.fn,
      workerLogs: this.evaluation.worker.logGroup,
      ...(settings.alarmEmail !== undefined ? { alarmEmail: settings.alarmEmail } : {}),
    });

    new CfnOutput(this, 'Url', {
      value: `https://${this.edge.distribution.distributionDomainName}`,
      description: 'The service: storefronts, Seller Center and operators (CloudFront)',
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'The HTTP API origin (refuses requests that bypass CloudFront)' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'SegmentQueueUrl', { value: this.evaluation.segmentQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopic', { value: this.alarms.topic.topicArn, description: 'SNS topic every alarm notifies' });
  }
}
