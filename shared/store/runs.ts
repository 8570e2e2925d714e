/**
 * Evaluation runs. A run is split into segments (one market shard each); a segment's counts are added to
 * the run in the same transaction that marks the segment done, conditioned on the mark not existing, so a
 * segment retried or delivered twice is counted once and the run's counts stay exact.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BadgeMonth, Market } from '../domain/calendar';
import { marketPk, monthSk, RUN_SK, runPk, RUNS_PK, segmentSk } from './keys';

export type RunState = 'running' | 'succeeded' | 'failed';

export interface ShopCounts {
  evaluated: number;
  awarded: number;
  failed: number;
}

export interface Run {
  runId: string;
  month: BadgeMonth;
  markets: Market[];
  dryRun: boolean;
  state: RunState;
  shops: ShopCounts;
  startedAt: string;
  finishedAt: string | null;
  segmentsTotal: number;
  segmentsDone: number;
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
    state: item.state as RunState,
    shops: { evaluated: Number(item.evaluated ?? 0), awarded: Number(item.awarded ?? 0), failed: Number(item.failed ?? 0) },
    startedAt: item.startedAt as string,
    finishedAt: (item.finishedAt as string | null | undefined) ?? null,
    segmentsTotal: Number(item.segmentsTotal),
    segmentsDone: Number(item.segmentsDone ?? 0),
  };
}

export class RunRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(run: Run): Promise<void> {
    const { shops, ...rest } = run;
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
          { Put: { TableName: this.table, Item: { pk: RUNS_PK, sk: `${run.startedAt}#${run.runId}`, runId: run.runId, state: run.state } } },
        ],
      }),
    );
  }

  async get(runId: string): Promise<Run | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: runPk(runId), sk: RUN_SK }, ConsistentRead: true }));
    return out.Item ? toRun(out.Item) : null;
  }

  /** Segments of a run already done (their counts are in the run). */
  async doneSegments(runId: string): Promise<Set<string>> {
    const done = new Set<string>();
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seg)',
        ExpressionAttributeValues: { ':pk': runPk(runId), ':seg': 'SEG#' },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) done.add(item.sk as string);
    return done;
  }

  segmentKey(segment: SegmentRef): string {
    return segmentSk(segment.market, segment.shard);
  }

  /** Marks a segment done and adds its counts, once. Returns false when it was already done. */
  async completeSegment(runId: string, segment: SegmentRef, counts: ShopCounts): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { pk: runPk(runId), sk: segmentSk(segment.market, segment.shard), ...counts },
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
      if (error instanceof TransactionCanceledException || (error as { name?: string }).name === 'TransactionCanceledException') {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
      }
      throw error;
    }
  }

  /** Ends a run whose segments are all done (or that failed); only the first caller changes it. */
  async finish(run: Run, state: Exclude<RunState, 'running'>, finishedAt: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: runPk(run.runId), sk: RUN_SK },
          UpdateExpression: 'SET #s = :s, finishedAt = :f',
          ConditionExpression: state === 'failed' ? '#s = :running' : '#s = :running AND segmentsDone = segmentsTotal',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':s': state, ':f': finishedAt, ':running': 'running' },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: RUNS_PK, sk: `${run.startedAt}#${run.runId}` },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':s': state },
      }),
    );
    if (state === 'succeeded' && !run.dryRun) {
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
    const runs = await Promise.all(ids.map((id) => this.get(id)));
    return runs.filter((r): r is Run => r !== null && r.state === 'running');
  }

  /** Badge months already evaluated by a succeeded, non-dry run in `market`. */
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
