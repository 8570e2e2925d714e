/**
 * The one table's key schema, defined once: the CDK stack (infra/) and the local/test setup
 * (functions/local/tables.ts) both build the table from this, so they cannot drift apart.
 *
 * Single-table design (all items of a shop share its partition, so a shop's reads are one request):
 *
 * | item                  | pk                    | sk                  | GSI byShard (gsi1pk / gsi1sk)   |
 * |-----------------------|-----------------------|---------------------|---------------------------------|
 * | shop profile + badges | SHOP#<shopId>         | PROFILE             | SHARD#<market>#<nnn> / <shopId> |
 * | daily metrics         | SHOP#<shopId>         | DAY#<YYYY-MM-DD>    |                                 |
 * | month evaluation      | SHOP#<shopId>         | MONTH#<YYYY-MM>     |                                 |
 * | evaluation run        | RUN#<runId>           | RUN                 |                                 |
 * | run segment done      | RUN#<runId>           | SEG#<market>#<nnn>  |                                 |
 * | every run, its state  | RUNS                  | <startedAt>#<runId> |                                 |
 * | runs of a badge month | RUNS#<YYYY-MM>        | <startedAt>#<runId> |                                 |
 * | market month status   | MARKET#<market>       | MONTH#<YYYY-MM>     |                                 |
 *
 * Access patterns, none of them a Scan:
 * - badge lookup: GetItem PROFILE (it carries the market and a compact copy of each month's badge and
 *   revocation, written with the month record), so one round trip; 100 shops: one BatchGetItem.
 * - one shop's days of a period: Query pk = SHOP#id, sk BETWEEN DAY#from AND DAY#to.
 * - eligibility / history: GetItem / Query sk BETWEEN MONTH#a AND MONTH#b.
 * - the shops of a market for a run: the sparse GSI byShard, one partition per (market, shard);
 *   SHARDS_PER_MARKET partitions per market are read by workers in parallel (one segment each), so no
 *   partition is hot at 10M shops.
 * - one run's state: GetItem RUN; its segments (done marks, failed shops): Query pk = RUN#id.
 * - a badge month's runs, newest first: Query pk = RUNS#<month>, ScanIndexForward false.
 * - months already evaluated per market (start-up catch-up): Query pk = MARKET#m.
 *
 * `DAY#` items carry `expiresAt` (epoch seconds) and expire by TTL in AWS once no route or rerun can read
 * them any more (shared/store/metrics.ts, docs/scale.md); every other item is kept.
 */
export const SHARDS_PER_MARKET = 64;

export const TABLE = {
  /** Logical id in CDK and the default local table name. */
  name: 'SellerBadges',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** TTL attribute (epoch seconds); only `DAY#` items carry it. DynamoDB Local tables leave TTL off. */
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    {
      name: 'byShard',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      // The run reads whole profiles from the index, so it needs no GetItem per shop; the per-month badge
      // attributes are left out, so evaluations never write to the index.
      nonKeyAttributes: ['shopId', 'market', 'name', 'onboardedAt', 'certifications'],
    },
  ],
} as const;
