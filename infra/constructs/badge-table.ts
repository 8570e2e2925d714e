import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/store/table';

/** How a function may use the table: the least grant that lets it do its job. */
export type TableAccess = 'read' | 'readWrite';

/** The shape of one index in TABLE (a projection list is optional: without one the index is KEYS_ONLY). */
interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly nonKeyAttributes?: readonly string[];
}

/**
 * The single table. Key design (items, keys, access patterns, sharded GSI): see shared/store/table.ts,
 * the one definition that this construct and the local/test table setup both build from.
 *
 * Stateful data: on-demand billing (monthly bursts, quiet the rest of the month), point-in-time recovery,
 * AWS-managed KMS encryption, deletion protection, and RETAIN so a stack deletion never drops it.
 */
export class BadgeTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new Table(this, TABLE.name, {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const indexes: readonly IndexSpec[] = TABLE.indexes;
    for (const index of indexes) {
      const include = index.nonKeyAttributes !== undefined && index.nonKeyAttributes.length > 0;
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: include ? ProjectionType.INCLUDE : ProjectionType.KEYS_ONLY,
        ...(include ? { nonKeyAttributes: [...(index.nonKeyAttributes ?? [])] } : {}),
      });
    }
  }

  /**
   * Gives `fn` the table's name (TABLE_NAME) and the least grant for `access`; read-only functions get no
   * write action at all (asserted in test/infra).
   */
  bind(fn: LambdaFunction, access: TableAccess): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    if (access === 'readWrite') this.table.grantReadWriteData(fn);
    else this.table.grantReadData(fn);

    if (fn.role) {
      const tableId = Stack.of(this).resolve((this.table.node.defaultChild as CfnTable).logicalId) as string;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
        reason:
          'The table grant covers its indexes as <table ARN>/index/*: runs read shops through the byShard ' +
          'GSI. The grant stays limited to this one table.',
      });
    }
  }
}
