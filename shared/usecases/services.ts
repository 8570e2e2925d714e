/** What the use cases are given: repositories over one DocumentClient, the catalog, a queue and a clock. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BadgeMonth, Market } from '../domain/calendar';
import { RulesCache, type Catalog } from '../domain/rules';
import { loadCatalog } from '../programs';
import { BadgeRepository } from '../store/badges';
import { MetricsRepository } from '../store/metrics';
import { RunRepository } from '../store/runs';
import { ShopRepository } from '../store/shops';
import type { RetryOptions } from '../store/retry';

/**
 * One segment of a run: the shops of one market shard, or (a run of named shops) one chunk of those shops,
 * numbered in `shard`. The body of one SQS message.
 */
export interface SegmentMessage {
  runId: string;
  month: BadgeMonth;
  market: Market;
  shard: number;
  /** The chunk of named shops this segment evaluates; absent = every shop of the shard. */
  shopIds?: string[];
  /** `startedAt#runId`: orders runs so that an older run never overwrites a newer one's records. */
  runOrder: string;
  dryRun: boolean;
}

export interface SegmentQueue {
  send(messages: SegmentMessage[]): Promise<void>;
  /** Makes a received message that failed visible again after `seconds` (SQS ChangeMessageVisibility). */
  retryAfter?(receiptHandle: string, seconds: number): Promise<void>;
}

export interface Services {
  shops: ShopRepository;
  metrics: MetricsRepository;
  badges: BadgeRepository;
  runs: RunRepository;
  catalog: Catalog;
  rules: RulesCache;
  queue: SegmentQueue;
  clock: () => Date;
  /** Days expire by TTL (AWS): a month whose days are no longer kept is not evaluated again (409). */
  daysExpire: boolean;
}

export function createServices(opts: {
  doc: DynamoDBDocumentClient;
  table: string;
  queue?: SegmentQueue;
  clock?: () => Date;
  catalog?: Catalog;
  retry?: RetryOptions;
  daysExpire?: boolean;
}): Services {
  const catalog = opts.catalog ?? loadCatalog();
  return {
    shops: new ShopRepository(opts.doc, opts.table),
    metrics: new MetricsRepository(opts.doc, opts.table, opts.retry),
    badges: new BadgeRepository(opts.doc, opts.table),
    runs: new RunRepository(opts.doc, opts.table),
    catalog,
    rules: new RulesCache(catalog),
    queue: opts.queue ?? {
      send: async () => {
        throw new Error('this function has no segment queue');
      },
    },
    clock: opts.clock ?? (() => new Date()),
    daysExpire: opts.daysExpire ?? false,
  };
}
