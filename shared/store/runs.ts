/**
 * Evaluation runs. A run is split into segments (one market shard each, or one chunk of named shops); a
 * segment's counts are added to the run in the same transaction that marks the segment done, conditioned on
 * the mark not existing, so a segment retried or delivered twice is counted once and the run's counts stay
 * exact. The mark also keeps the segment's failed shops, gathered when the run's status is read.
 */
import { GetCommand, paginateQuery, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BadgeMonth, Market } from '../domain/calendar';
import type { PolicyDiff, ThresholdChange } from '../domain/simulation';
import { diffPrefix, diffSk, marketPk, monthRunsPk, monthSk, RUN_SK, runOrderOf, runPk, RUNS_PK, segmentSk } from './keys';
import { firstConditionFailed, isConditionFailure } from './conditions';
import { batchGetAll, batchWriteAll } from './retry';

export type RunState = 'running' | 'succeeded' | 'failed';

/** What started a run: the monthly schedule, the local server's start-up catch-up, or an operator. */
export type RunTrigger = 'schedule' | 'catch-up' | 'operator';

export interface ShopCounts {
  evaluated: number;
  awarded: number;
  failed: number;
}

/** A shop whose evaluation failed, and why (the error's message). */
export interface ShopFailure {
  shopId: string;
  message: string;
}

/** Failed shops kept per segment and shown per run: enough to act on, small enough for one item. */
export const MAX_FAILURES_LISTED = 100;

export interface Run {
  runId: string;
  month: BadgeMonth;
  markets: Market[];
  dryRun: boolean;
  trigger: RunTrigger;
  state: RunState;
  shops: ShopCounts;
  startedAt: string;
  finishedAt: string | null;
  segmentsTotal: number;
  segmentsDone: number;
  /** Only the named shops, by market (POST /v1/evaluations with shopIds); absent = every shop. */
  shopIds?: Partial<Record<Market, string[]>>;
  /** When the run's missing segments were last queued; absent = not yet (a crash before queueing). */
  queuedAt?: string;
  /** Why a run failed as a whole (a dead-lettered segment). */
  reason?: string;
  /** A policy simulation's thresholds (dry runs only), applied to the program versions of the month. */
  changes?: ThresholdChange[];
  /** A dry run's diff, merged from its segments once when it succeeded (status reads then read it here). */
  diff?: PolicyDiff;
}

/** A shop whose badge a dry run changes, with the criteria whose outcome changed (the diff download). */
export interface DiffRow {
  shopId: string;
  market: Market;
  before: string | null;
  after: string | null;
  /** `program/criterion` whose result differs between the stored record and the dry run. */
  criteria: string[];
}

export interface SegmentRef {
  market: Market;
  shard: number;
}

function toRun(item: Record<string, unknown>): Run {
  return {
    runId: item.runId as string,
    month: item.month as BadgeMonth,
    markets: item.markets as Market[],
    dryRun: item.dryRun as boolean,
    trigger: (item.trigger as RunTrigger | undefined) ?? 'operator',
    state: item.state as RunState,
    shops: { evaluated: Number(item.evaluated ?? 0), awarded: Number(item.awarded ?? 0), failed: Number(item.failed ?? 0) },
    startedAt: item.startedAt as string,
    finishedAt: (item.finishedAt as string | null | undefined) ?? null,
    segmentsTotal: Number(item.segmentsTotal),
    segmentsDone: Number(item.segmentsDone ?? 0),
    ...(item.shopIds ? { shopIds: item.shopIds as Run['shopIds'] } : {}),
    ...(item.queuedAt ? { queuedAt: item.queuedAt as string } : {}),
    ...(item.reason ? { reason: item.reason as string } : {}),
    ...(item.changes ? { changes: item.changes as ThresholdChange[] } : {}),
    ...(item.diff ? { diff: item.diff as PolicyDiff } : {}),
  };
}

export class RunRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Creates the run with its two index items (every run; the month's runs). Returns false, writing
   * nothing, when a run with this id exists (a scheduled run's id is derived from market and month).
   */
  async create(run: Run): Promise<boolean> {
    const { shops, ...rest } = run;
    const order = runOrderOf(run);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { pk: runPk(run.runId), sk: RUN_SK, ...rest, ...shops },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { pk: RUNS_PK, sk: order, runId: run.runId, state: run.state } } },
            { Put: { TableName: this.table, Item: { pk: monthRunsPk(run.month), sk: order, runId: run.runId, markets: run.markets } } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (firstConditionFailed(error)) return false;
      throw error;
    }
  }

  async get(runId: string): Promise<Run | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: runPk(runId), sk: RUN_SK }, ConsistentRead: true }));
    return out.Item ? toRun(out.Item) : null;
  }

  /** Every run of a badge month (of `market`, when given), newest first. */
  async ofMonth(month: BadgeMonth, market?: Market): Promise<Run[]> {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': monthRunsPk(month) },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) if (!market || (item.markets as Market[]).includes(market)) ids.push(item.runId as string);
    }
    return this.getMany(ids);
  }

  /** The runs of `ids` that exist, in the order of `ids`: BatchGetItem, strongly consistent like `get`. */
  private async getMany(ids: readonly string[]): Promise<Run[]> {
    const items = await batchGetAll(
      this.doc,
      this.table,
      ids.map((id) => ({ pk: runPk(id), sk: RUN_SK })),
      { consistent: true },
    );
    const byId = new Map(items.map((item) => [item.runId as string, toRun(item)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Whether a segment of the run is done (its counts are in the run). */
  async segmentDone(runId: string, segment: SegmentRef): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: runPk(runId), sk: this.segmentKey(segment) }, ConsistentRead: true, ProjectionExpression: 'sk' }),
    );
    return out.Item !== undefined;
  }

  /** Segments of a run already done (their counts are in the run). */
  async doneSegments(runId: string): Promise<Set<string>> {
    const done = new Set<string>();
    for await (const item of this.segmentItems(runId, 'sk')) done.add(item.sk as string);
    return done;
  }

  /** Up to `limit` failed shops of the run, gathered from its segments. */
  async failures(runId: string, limit = MAX_FAILURES_LISTED): Promise<ShopFailure[]> {
    const out: ShopFailure[] = [];
    for await (const item of this.segmentItems(runId, 'failures')) {
      for (const f of (item.failures as ShopFailure[] | undefined) ?? []) {
        if (out.length >= limit) return out;
        out.push(f);
      }
    }
    return out;
  }

  /** The dry run's diff, merged from its segments' partial diffs by `merge` (the domain's SimulationDiff). */
  async segmentDiffs(runId: string): Promise<PolicyDiff[]> {
    const out: PolicyDiff[] = [];
    for await (const item of this.segmentItems(runId, 'policyDiff')) if (item.policyDiff) out.push(item.policyDiff as PolicyDiff);
    return out;
  }

  /**
   * Keeps the shops whose badge a dry run changes, one item each under the run's key (a retried segment
   * writes the same items again), for the full diff download.
   */
  async putDiffRows(runId: string, rows: readonly DiffRow[]): Promise<void> {
    if (rows.length === 0) return;
    await batchWriteAll(
      this.doc,
      this.table,
      rows.map((row) => ({ PutRequest: { Item: { pk: runPk(runId), sk: diffSk(row.shopId), ...row } } })),
    );
  }

  /** Every shop the dry run changes, in ascending shopId order, page by page. */
  async *diffRows(runId: string): AsyncGenerator<DiffRow[]> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :diff)',
        ExpressionAttributeValues: { ':pk': runPk(runId), ':diff': diffPrefix },
        ProjectionExpression: 'shopId, market, #b, #a, criteria',
        ExpressionAttributeNames: { '#b': 'before', '#a': 'after' },
      },
    );
    for await (const page of pages) {
      yield (page.Items ?? []).map((item) => ({
        shopId: item.shopId as string,
        market: item.market as Market,
        before: (item.before as string | null | undefined) ?? null,
        after: (item.after as string | null | undefined) ?? null,
        criteria: (item.criteria as string[] | undefined) ?? [],
      }));
    }
  }

  private async *segmentItems(runId: string, projection: string): AsyncGenerator<Record<string, unknown>> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seg)',
        ExpressionAttributeValues: { ':pk': runPk(runId), ':seg': 'SEG#' },
        ProjectionExpression: projection,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) yield* page.Items ?? [];
  }

  segmentKey(segment: SegmentRef): string {
    return segmentSk(segment.market, segment.shard);
  }

  /** Marks a segment done and adds its counts, once. Returns false when it was already done. */
  async completeSegment(
    runId: string,
    segment: SegmentRef,
    counts: ShopCounts,
    failures: readonly ShopFailure[] = [],
    policyDiff?: PolicyDiff,
  ): Promise<boolean> {
    const kept = failures.slice(0, MAX_FAILURES_LISTED);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: runPk(runId),
                  sk: segmentSk(segment.market, segment.shard),
                  ...counts,
                  ...(kept.length > 0 ? { failures: kept } : {}),
                  ...(policyDiff ? { policyDiff } : {}),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: { pk: runPk(runId), sk: RUN_SK },
                UpdateExpression: 'ADD segmentsDone :one, evaluated :e, awarded :a, failed :f',
                ExpressionAttributeValues: { ':one': 1, ':e': counts.evaluated, ':a': counts.awarded, ':f': counts.failed },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (firstConditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Claims the queueing of a running run's missing segments: true for exactly one caller while the last
   * claim (`queuedAt`) is absent or older than `staleBefore`, so concurrent deliveries queue them once.
   */
  async claimQueueing(runId: string, at: string, staleBefore: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: 'SET queuedAt = :at',
          ConditionExpression: '#s = :running AND (attribute_not_exists(queuedAt) OR queuedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':at': at, ':running': 'running', ':stale': staleBefore },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives a claim back (its queueing failed), so the next delivery queues at once. */
  async releaseQueueing(runId: string, claimedAt: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: 'REMOVE queuedAt',
          ConditionExpression: 'queuedAt = :at',
          ExpressionAttributeValues: { ':at': claimedAt },
        }),
      );
    } catch (error) {
      // Someone claimed it since: theirs stands.
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * Ends a run whose segments are all done (or that failed); only the first caller changes it. With it go
   * why it failed as a whole (`reason`) or a succeeded dry run's merged diff (`diff`).
   */
  async finish(run: Run, state: Exclude<RunState, 'running'>, finishedAt: string, outcome: { reason?: string; diff?: PolicyDiff } = {}): Promise<boolean> {
    const { reason, diff } = outcome;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: runPk(run.runId), sk: RUN_SK },
          UpdateExpression: `SET #s = :s, finishedAt = :f${reason ? ', reason = :r' : ''}${diff ? ', diff = :d' : ''}`,
          ConditionExpression: state === 'failed' ? '#s = :running' : '#s = :running AND segmentsDone = segmentsTotal',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':s': state, ':f': finishedAt, ':running': 'running', ...(reason ? { ':r': reason } : {}), ...(diff ? { ':d': diff } : {}) },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: RUNS_PK, sk: runOrderOf(run) },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': state },
      }),
    );
    if (state === 'succeeded' && !run.dryRun && !run.shopIds) {
      // Only a run of every shop marks the month evaluated (the start-up catch-up skips it then).
      await Promise.all(
        run.markets.map((market) =>
          this.doc.send(
            new PutCommand({
              TableName: this.table,
              Item: { pk: marketPk(market), sk: monthSk(run.month), month: run.month, runId: run.runId, finishedAt },
            }),
          ),
        ),
      );
    }
    return true;
  }

  /** Runs still marked running (to resume after a crash), oldest first. */
  async running(): Promise<Run[]> {
    const ids: string[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#s = :running',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pk': RUNS_PK, ':running': 'running' },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) ids.push(item.runId as string);
    return (await this.getMany(ids)).filter((r) => r.state === 'running');
  }

  /** Badge months already evaluated by a succeeded, non-dry run of every shop in `market`. */
  async evaluatedMonths(market: Market): Promise<Set<BadgeMonth>> {
    const months = new Set<BadgeMonth>();
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':pk': marketPk(market), ':m': 'MONTH#' },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) months.add(item.month as BadgeMonth);
    return months;
  }
}
