import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { BadgeMonth, Market } from '../../shared/domain/calendar';
import { marketPk, monthRunsPk, runPk, RUNS_PK, shopPk } from '../../shared/store/keys';
import { TABLE } from '../../shared/store/table';
import type { FunctionName } from '../function-defaults';
import type { BadgeFunction } from './badge-function';

/** The item-level DynamoDB actions our code sends. Transactions need no action of their own (below). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** What one function may do with the table. */
export interface TableAccess {
  /** Actions on the base table's items. */
  readonly actions: readonly TableAction[];
  /** May Query the `byShard` index (the run reads a market shard's profiles from it). */
  readonly queriesShardIndex?: boolean;
  /**
   * Partition keys it may touch (`dynamodb:LeadingKeys`, StringLike patterns); absent: every item type.
   * Only functions that touch one family of items get a condition.
   */
  readonly leadingKeys?: readonly string[];
}

/** Shop items: profile, days and month records (`SHOP#<shopId>`). */
export const SHOP_ITEMS: readonly string[] = [shopPk('*')];
/** Run items: a run and its segments, the run list, and each market's evaluated months. */
export const RUN_ITEMS: readonly string[] = [runPk('*'), RUNS_PK, monthRunsPk('*' as BadgeMonth), marketPk('*' as Market)];

/**
 * The least grant of each function, read off the store code each one reaches (shared/store/*.ts; a
 * TransactWriteItems is authorized as the PutItem/UpdateItem/ConditionCheckItem of its parts, so it needs
 * no action of its own). Nothing deletes (old compact badges leave the profile by UpdateItem REMOVE, days
 * by TTL) and nothing scans, so no function gets DeleteItem or Scan. Asserted in test/infra/ops.test.ts.
 */
export const TABLE_ACCESS: Readonly<Partial<Record<FunctionName, TableAccess>>> = {
  // Badges (GetItem / BatchGetItem of profiles), the previous month's record and the signals' days (Query).
  lookup: { actions: ['GetItem', 'BatchGetItem', 'Query'], leadingKeys: SHOP_ITEMS },
  // Eligibility, history, projection: the profile, month records and the open period's days.
  seller: { actions: ['GetItem', 'BatchGetItem', 'Query'], leadingKeys: SHOP_ITEMS },
  // Profiles (UpdateItem), days (BatchWriteItem of puts), the profiles of a batch (BatchGetItem), and the
  // revocation of a held badge (GetItem/Query of its month, UpdateItem of the record and the profile).
  ingest: {
    actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'],
    leadingKeys: SHOP_ITEMS,
  },
  // Runs (conditional Put of the run and its list entry, GetItem, Query of a month's runs) and revocations
  // (GetItem of the profile and month, UpdateItem of both): shop items and run items.
  admin: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'] },
  // Creates the scheduled run (conditional Put), or resumes it (GetItem, Query of its done segments).
  planner: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], leadingKeys: RUN_ITEMS },
  // The run (GetItem), the shard's profiles (index Query) or listed shops (BatchGetItem), each shop's days
  // (Query), its month record and profile copy (UpdateItem), the segment mark + counts (Put + Update in a
  // transaction), the market's evaluated month (PutItem) and a dry run's differing shops (BatchWriteItem).
  worker: { actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'BatchWriteItem'], queriesShardIndex: true },
  // Reads the run and its done segments, and the market's evaluated months; claims the re-queueing of a
  // crashed run's missing segments (UpdateItem of the run's queuedAt), and ends a run whose segments are done.
  watchdog: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], leadingKeys: RUN_ITEMS },
  // Marks the run of a dead-lettered segment failed with its reason.
  'dead-letter': { actions: ['GetItem', 'Query', 'UpdateItem'], leadingKeys: RUN_ITEMS },
};

/** The shape of one index in TABLE (a projection list is optional: without one the index is KEYS_ONLY). */
interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly nonKeyAttributes?: readonly string[];
}

/**
 * Warm throughput for the first 10M-shop run (docs/scale.md, section 4): 32 workers need about 16,000
 * WRU/s and 13,300 RRU/s, 4x what a new on-demand table serves at once. Warm values never go down, so
 * this is paid once and the table stays ready for every later month.
 */
export const WARM_THROUGHPUT = { readUnitsPerSecond: 15_000, writeUnitsPerSecond: 20_000 } as const;

/**
 * The single table. Key design (items, keys, access patterns, sharded GSI): see shared/store/table.ts,
 * the one definition that this construct and the local/test table setup both build from.
 *
 * Stateful data: on-demand billing (monthly bursts, quiet the rest of the month) pre-warmed for the run,
 * point-in-time recovery, AWS-managed KMS encryption, deletion protection, RETAIN so a stack deletion
 * never drops it, and TTL on `expiresAt` (only `DAY#` items carry it).
 */
export class BadgeTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new Table(this, TABLE.name, {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      warmThroughput: WARM_THROUGHPUT,
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
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

  /** The ARN of the `byShard` index (named, not `index/*`: no function reads another index). */
  get shardIndexArn(): string {
    return `${this.table.tableArn}/index/${TABLE.indexes[0].name}`;
  }

  /**
   * Gives the function the table's name (TABLE_NAME), that its days expire (DAYS_EXPIRE), and its grant
   * from TABLE_ACCESS: the listed actions on the table, under a leading-key condition where it has one,
   * and Query on the shard index if needed.
   */
  bind(fn: BadgeFunction): void {
    const access = TABLE_ACCESS[fn.name];
    if (!access) throw new Error(`${fn.name} has no entry in TABLE_ACCESS: list the table actions it needs there`);
    fn.fn.addEnvironment('TABLE_NAME', this.table.tableName);
    // This table deletes days by TTL: a run of a month whose days are gone is refused (shared/config.ts).
    fn.fn.addEnvironment('DAYS_EXPIRE', 'true');
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: access.actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
        ...(access.leadingKeys
          ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.leadingKeys] } } }
          : {}),
      }),
    );
    if (access.queriesShardIndex) {
      fn.fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [this.shardIndexArn] }));
    }
  }
}
