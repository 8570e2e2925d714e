/**
 * The DynamoDB data layer on the real engine (DynamoDB Local, in memory): restated days, partial acceptance
 * of a metrics batch, batch calls under throttling and UnprocessedItems/Keys, and the badge lookup on data
 * written by real evaluation runs. No sleeps: every wait is on a returned promise.
 */
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type BadgeMonth, type Market } from '../../shared/domain/calendar';
import type { DailyRecord } from '../../shared/domain/metrics';
import type { Certification } from '../../shared/domain/rules';
import { createDocumentClient } from '../../shared/store/client';
import { UnprocessedError } from '../../shared/store/retry';
import type { Run } from '../../shared/store/runs';
import { revokeNow } from '../../shared/usecases/eligibility';
import { processSegment, startRun } from '../../shared/usecases/evaluation';
import { ingestMetrics } from '../../shared/usecases/ingest';
import { lookupBadges, type BadgeView } from '../../shared/usecases/lookup';
import type { SegmentMessage, Services } from '../../shared/usecases/services';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb, testClock, testServices, type TestDb } from '../support/harness';
import { healthyDay, healthyDays } from '../support/records';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

async function putShop(svc: Services, shopId: string, market: Market, certifications: Certification[] = [], onboardedAt = '2024-01-15') {
  return svc.shops.putProfile({ shopId, market, name: `Shop ${shopId}`, onboardedAt, certifications });
}

/** Every DAY# item of a shop, read straight from the table with one consistent Query. */
async function dayItems(doc: DynamoDBDocumentClient, table: string, shopId: string): Promise<Record<string, unknown>[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
      ExpressionAttributeValues: { ':pk': `SHOP#${shopId}`, ':day': 'DAY#' },
      ConsistentRead: true,
    }),
  );
  expect(out.LastEvaluatedKey).toBeUndefined();
  return out.Items ?? [];
}

async function profileItem(doc: DynamoDBDocumentClient, table: string, shopId: string): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: `SHOP#${shopId}`, sk: 'PROFILE' }, ConsistentRead: true }));
  return out.Item;
}

/** Runs a month the way the worker would, without a queue: every segment message through processSegment. */
async function evaluateMonth(svc: Services, month: BadgeMonth, markets: Market[]): Promise<Run> {
  const sent: SegmentMessage[] = [];
  const local: Services = { ...svc, queue: { send: async (messages) => void sent.push(...messages) } };
  const run = await startRun(local, { month, markets });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < sent.length) await processSegment(local, sent[next++] as SegmentMessage);
    }),
  );
  const done = await svc.runs.get(run.runId);
  expect(done?.state).toBe('succeeded');
  return done as Run;
}

async function badgesAt(svc: Services, shopIds: string[], at: string, now: string = at): Promise<Record<string, BadgeView | null>> {
  const { badges } = await lookupBadges(svc, shopIds, new Date(at), new Date(now));
  return Object.fromEntries(badges);
}

// ---------------------------------------------------------------------------------------------
// Fault injection through client middleware
// ---------------------------------------------------------------------------------------------

interface FaultStats {
  batchWrites: number;
  deferredItems: number;
  batchGets: number;
  deferredKeys: number;
  throttled: number;
}

/**
 * A DocumentClient on the test endpoint that makes DynamoDB misbehave the documented ways:
 * - BatchWriteItem: only the first half of the requests is really written, the rest comes back as
 *   UnprocessedItems (`neverWrite`: nothing is written, everything comes back);
 * - BatchGetItem: only the first half of the keys is really read, the rest comes back as UnprocessedKeys;
 * - every third call is rejected once with ProvisionedThroughputExceededException (inside the SDK's retry
 *   loop, where a real throttling answer arrives).
 */
function faultyClient(endpoint: string, table: string, opts: { neverWrite?: boolean } = {}): { doc: DynamoDBDocumentClient; stats: FaultStats } {
  // Standard retry mode: adaptive mode (the default, shared/store/client.ts) would answer a throttle on
  // every third call, far more than DynamoDB ever sends, by rate-limiting this client to a crawl.
  const doc = createDocumentClient({ ...localClientConfig(endpoint), retryMode: 'standard' });
  const stats: FaultStats = { batchWrites: 0, deferredItems: 0, batchGets: 0, deferredKeys: 0, throttled: 0 };

  // 'initialize' runs before the DocumentClient marshals the input and after it unmarshals the output, so
  // input and output are plain objects here, and the deferred requests are handed back as they came in.
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchWriteItemCommand') {
        const input = args.input as BatchWriteCommandInput;
        const requests = input.RequestItems?.[table] ?? [];
        stats.batchWrites++;
        const cut = opts.neverWrite ? 0 : requests.length > 1 ? Math.floor(requests.length / 2) : requests.length;
        const deferred = requests.slice(cut);
        if (deferred.length === 0) return next(args);
        stats.deferredItems += deferred.length;
        if (cut === 0) {
          const output: BatchWriteCommandOutput = { UnprocessedItems: { [table]: deferred }, $metadata: {} };
          return { output, response: {} } as Awaited<ReturnType<typeof next>>;
        }
        const result = await next({ ...args, input: { ...input, RequestItems: { ...input.RequestItems, [table]: requests.slice(0, cut) } } });
        const output = result.output as BatchWriteCommandOutput;
        output.UnprocessedItems = { ...output.UnprocessedItems, [table]: [...(output.UnprocessedItems?.[table] ?? []), ...deferred] };
        return result;
      }
      if (context.commandName === 'BatchGetItemCommand') {
        const input = args.input as BatchGetCommandInput;
        const request = input.RequestItems?.[table];
        const keys = request?.Keys ?? [];
        stats.batchGets++;
        if (!request || keys.length < 2) return next(args);
        const cut = Math.floor(keys.length / 2);
        const deferred = keys.slice(cut);
        stats.deferredKeys += deferred.length;
        const result = await next({ ...args, input: { ...input, RequestItems: { ...input.RequestItems, [table]: { ...request, Keys: keys.slice(0, cut) } } } });
        const output = result.output as BatchGetCommandOutput;
        output.UnprocessedKeys = { ...output.UnprocessedKeys, [table]: { ...request, Keys: [...(output.UnprocessedKeys?.[table]?.Keys ?? []), ...deferred] } };
        return result;
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectUnprocessed' },
  );

  // 'deserialize' is inside the retry middleware (finalizeRequest): a throttle here is retried by the SDK
  // exactly like a real HTTP 400 ProvisionedThroughputExceededException answer.
  let calls = 0;
  const throttledOnce = new WeakSet<object>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (!throttledOnce.has(context) && calls++ % 3 === 0) {
        throttledOnce.add(context);
        stats.throttled++;
        throw new ProvisionedThroughputExceededException({
          message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: 'injectThrottling', priority: 'high' },
  );
  return { doc, stats };
}

// ---------------------------------------------------------------------------------------------

describe('DynamoDB data layer (DynamoDB Local)', () => {
  let db: TestDb;

  beforeAll(async () => {
    db = await startTestDb();
  });

  afterAll(async () => {
    await db?.stop();
  });

  describe("a month's record written by a run (putMonth)", () => {
    const month = '2026-12';
    const record = (runId: string, program: string | null) => ({
      shopId: 'th-0500',
      market: 'TH' as const,
      month,
      badge: program ? { program, label: program } : null,
      programs: [],
      evaluatedAt: '2026-12-01T00:00:00.000Z',
      runId,
    });

    it('written; then revoked (kept) under an older or equal run order; superseded by a newer run whether revoked or not', async () => {
      const table = await db.table();
      const svc = testServices(db, table, { clock: testClock('2026-12-01T00:00:00Z') });
      await putShop(svc, 'th-0500', 'TH');
      expect(await svc.badges.putMonth(record('r1', 'top-choice'), '2026-12-01T00:00:00.000Z#r1')).toBe('written');
      const revocation = { at: '2026-12-05T00:00:00.000Z', reason: 'fraudViolations > 0 on 2026-12-04' };
      await svc.badges.revoke('th-0500', month, revocation);

      // A rerun (a later run order) rewrites the result and keeps the revocation made in between.
      expect(await svc.badges.putMonth(record('r2', 'top-choice'), '2026-12-06T00:00:00.000Z#r2')).toBe('revoked');
      const kept = await svc.badges.getMonth('th-0500', month, true);
      expect(kept).toMatchObject({ runId: 'r2', revocation });

      // An older run arriving late writes nothing, revoked record or not.
      expect(await svc.badges.putMonth(record('r0', null), '2026-11-30T00:00:00.000Z#r0')).toBe('superseded');
      expect((await svc.badges.getMonth('th-0500', month, true))?.runId).toBe('r2');
      expect(await svc.badges.putMonth(record('r0', null), '2026-11-30T00:00:00.000Z#r0', { at: '2026-12-01T00:00:00.000Z', reason: 'x' })).toBe(
        'superseded',
      );
      expect((await svc.badges.getMonth('th-0500', month, true))?.revocation).toEqual(revocation);
    });
  });

  describe('restatement', () => {
    it('a day ingested again replaces the stored one: one Query returns one item with the new values', async () => {
      const table = await db.table();
      const svc = testServices(db, table, { clock: testClock('2026-11-25T12:00:00Z') });
      await putShop(svc, 'th-rs', 'TH');

      const original = healthyDay('th-rs', '2026-10-03', { ordersPlaced: 14, ordersCancelled: 1, ordersShipped: 13, shopRating: 4.8, hasLogo: true });
      expect(await ingestMetrics(svc, [original])).toEqual({ accepted: 1, rejected: [] });

      // Late cancellations and refunds arrive: the day is restated, and a gauge reported before is now absent.
      const { hasLogo: _dropped, ...restatedValues } = healthyDay('th-rs', '2026-10-03', {
        ordersPlaced: 14,
        ordersCancelled: 3,
        ordersRefunded: 2,
        ordersShipped: 9,
        shopRating: 4.1,
      });
      const restated: DailyRecord = restatedValues;
      expect(await ingestMetrics(svc, [restated])).toEqual({ accepted: 1, rejected: [] });

      const items = await dayItems(db.doc, table, 'th-rs');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ sk: 'DAY#2026-10-03', ordersCancelled: 3, ordersRefunded: 2, ordersShipped: 9, shopRating: 4.1 });
      // A replace, not a merge: nothing of the first version survives.
      expect(items[0]).not.toHaveProperty('hasLogo');
      expect(await svc.metrics.days('th-rs', '2026-10-01', '2026-10-31')).toEqual([restated]);
    });

    it('duplicates inside one batch: the last one wins, also across the 25-item write chunks', async () => {
      const table = await db.table();
      const svc = testServices(db, table, { clock: testClock('2026-11-25T12:00:00Z') });
      await putShop(svc, 'th-dup', 'TH');
      await putShop(svc, 'th-other', 'TH');

      const first = healthyDays('th-dup', '2026-10-01', 30, { ordersPlaced: 5 });
      const restated = healthyDays('th-dup', '2026-10-01', 10, { ordersPlaced: 7 });
      const finalOfDay1 = healthyDay('th-dup', '2026-10-01', { ordersPlaced: 9 });
      const batch = [...first, healthyDay('th-other', '2026-10-01', { ordersPlaced: 3 }), ...restated, finalOfDay1];
      const result = await ingestMetrics(svc, batch);
      expect(result.rejected).toEqual([]);
      expect(result.accepted).toBe(batch.length);

      const items = await dayItems(db.doc, table, 'th-dup');
      expect(items).toHaveLength(30);
      const placed = new Map(items.map((i) => [i.date as string, i.ordersPlaced as number]));
      expect(placed.get('2026-10-01')).toBe(9);
      for (let i = 1; i < 10; i++) expect(placed.get(addDays('2026-10-01', i))).toBe(7);
      for (let i = 10; i < 30; i++) expect(placed.get(addDays('2026-10-01', i))).toBe(5);
      expect(await dayItems(db.doc, table, 'th-other')).toEqual([expect.objectContaining({ date: '2026-10-01', ordersPlaced: 3 })]);
    });
  });

  describe('partial acceptance', () => {
    it('rejects invalid records with index, shopId and errors in index order, and stores every valid one', async () => {
      const table = await db.table();
      // 20:00Z on the 25th: already 03:00 on 2026-11-26 in Bangkok, still 12:00 on the 25th in Los Angeles
      // and 20:00 on the 25th in London.
      const svc = testServices(db, table, { clock: testClock('2026-11-25T20:00:00Z') });
      await putShop(svc, 'th-a', 'TH');
      await putShop(svc, 'us-a', 'US');
      await putShop(svc, 'gb-a', 'GB');

      const records: unknown[] = [
        healthyDay('th-a', '2026-11-01'), // 0 ok
        { ...healthyDay('th-a', '2026-11-02'), ordersPlacedd: 3 }, // 1 unknown field
        healthyDay('th-a', '2026-11-03', { ordersShipped: 10, lateDispatches: 11 }), // 2 broken invariant
        healthyDay('th-a', '2026-02-30'), // 3 impossible date
        healthyDay('th-nobody', '2026-11-04'), // 4 unknown shop
        healthyDay('us-a', '2026-11-25'), // 5 ok: today in Los Angeles
        healthyDay('th-a', '2026-11-26'), // 6 ok: today in Bangkok
        healthyDay('us-a', '2026-11-26'), // 7 tomorrow in Los Angeles
        healthyDay('gb-a', '2026-11-25'), // 8 ok
        null, // 9 not a record
        healthyDay('gb-a', '2026-11-26'), // 10 tomorrow in London
        healthyDay('us-a', '2026-11-20', { chatsReceived: 3, chatsAnsweredWithin24h: 4, shopRating: 7 }), // 11 two errors
        healthyDay('us-a', '2026-11-21', { gmv: 2 ** 53 }), // 12 not a safe integer
        healthyDay('us-a', '2026-11-22', { ordersPlaced: 1.5, reviews: -1 }), // 13 not counts
        { ...healthyDay('us-a', '2026-11-23'), status: 'banned' }, // 14 unknown status
        // 15 ok: the largest safe integer, fractional gauges, and null = unknown gauges
        healthyDay('us-a', '2026-11-24', { gmv: Number.MAX_SAFE_INTEGER, shopRating: 4.65, freeShippingShare: 0.7, hasLogo: null, reputationPoints: null }),
      ];
      const result = await ingestMetrics(svc, records);

      expect(result.accepted).toBe(5);
      expect(result.rejected.map((r) => [r.index, r.shopId])).toEqual([
        [1, 'th-a'],
        [2, 'th-a'],
        [3, 'th-a'],
        [4, 'th-nobody'],
        [7, 'us-a'],
        [9, null],
        [10, 'gb-a'],
        [11, 'us-a'],
        [12, 'us-a'],
        [13, 'us-a'],
        [14, 'us-a'],
      ]);
      const byIndex = new Map(result.rejected.map((r) => [r.index, r]));
      for (const r of result.rejected) {
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(typeof e.path).toBe('string');
          expect(e.message.length).toBeGreaterThan(0);
        }
      }
      expect(byIndex.get(1)?.errors).toEqual([{ path: expect.any(String), message: expect.stringContaining('ordersPlacedd') }]);
      expect(byIndex.get(2)?.errors).toEqual([{ path: 'lateDispatches', message: expect.stringContaining('ordersShipped') }]);
      expect(byIndex.get(3)?.errors).toEqual([{ path: 'date', message: expect.any(String) }]);
      expect(byIndex.get(4)?.errors).toEqual([{ path: 'shopId', message: expect.stringContaining('th-nobody') }]);
      expect(byIndex.get(7)?.errors).toEqual([{ path: 'date', message: expect.stringContaining('2026-11-25') }]);
      expect(byIndex.get(10)?.errors).toEqual([{ path: 'date', message: expect.any(String) }]);
      expect(byIndex.get(11)?.errors.map((e) => e.path).sort()).toEqual(['chatsAnsweredWithin24h', 'shopRating']);
      expect(byIndex.get(12)?.errors.map((e) => e.path)).toEqual(['gmv']);
      expect(byIndex.get(13)?.errors.map((e) => e.path).sort()).toEqual(['ordersPlaced', 'reviews']);
      expect(byIndex.get(14)?.errors.map((e) => e.path)).toEqual(['status']);

      // Exactly the valid records are stored; a rejected record stores nothing.
      expect((await dayItems(db.doc, table, 'th-a')).map((i) => i.date)).toEqual(['2026-11-01', '2026-11-26']);
      expect((await dayItems(db.doc, table, 'us-a')).map((i) => i.date)).toEqual(['2026-11-24', '2026-11-25']);
      expect(await svc.metrics.days('us-a', '2026-11-24', '2026-11-24')).toEqual([records[15]]);
      expect((await dayItems(db.doc, table, 'gb-a')).map((i) => i.date)).toEqual(['2026-11-25']);
      expect(await dayItems(db.doc, table, 'th-nobody')).toEqual([]);
      expect(await profileItem(db.doc, table, 'th-nobody')).toBeUndefined();
    });

    it('a batch with no valid record stores nothing', async () => {
      const table = await db.table();
      const svc = testServices(db, table, { clock: testClock('2026-11-25T20:00:00Z') });
      await putShop(svc, 'th-b', 'TH');
      const result = await ingestMetrics(svc, [healthyDay('th-b', '2026-11-31'), healthyDay('th-b', '2026-11-27'), healthyDay('th-b', '2026-11-01', { reviews: 1, negativeReviews: 2 })]);
      expect(result.accepted).toBe(0);
      expect(result.rejected.map((r) => r.index)).toEqual([0, 1, 2]);
      expect(await dayItems(db.doc, table, 'th-b')).toEqual([]);
    });
  });

  describe('throttling and unprocessed items', () => {
    it('ingests 500 records through UnprocessedItems, UnprocessedKeys and throttling without losing one', async () => {
      const table = await db.table();
      const clock = testClock('2026-11-25T12:00:00Z');
      const clean = testServices(db, table, { clock });
      const shopIds = Array.from({ length: 20 }, (_, i) => `th-load-${String(i).padStart(2, '0')}`);
      await Promise.all(shopIds.map((id) => putShop(clean, id, 'TH')));

      const faulty = faultyClient(db.endpoint, table);
      const svc = testServices(db, table, { clock, doc: faulty.doc });
      // 20 shops x 25 days; ordersPlaced encodes shop and day, so a lost or mixed-up item shows.
      const records = shopIds.flatMap((id, s) =>
        Array.from({ length: 25 }, (_, d) => healthyDay(id, addDays('2026-10-01', d), { ordersPlaced: 1000 * s + d, ordersShipped: 0 })),
      );
      expect(records).toHaveLength(500);
      try {
        expect(await ingestMetrics(svc, records)).toEqual({ accepted: 500, rejected: [] });
      } finally {
        faulty.doc.destroy();
      }

      expect(faulty.stats.deferredItems).toBeGreaterThan(0);
      expect(faulty.stats.deferredKeys).toBeGreaterThan(0);
      expect(faulty.stats.throttled).toBeGreaterThan(0);
      // Every request was re-sent until written: at least 500 / 25 first calls, plus the retries.
      expect(faulty.stats.batchWrites).toBeGreaterThan(20);

      for (const [s, id] of shopIds.entries()) {
        const stored = await dayItems(db.doc, table, id);
        expect(stored).toHaveLength(25);
        expect(stored.map((i) => i.ordersPlaced)).toEqual(Array.from({ length: 25 }, (_, d) => 1000 * s + d));
      }
    });

    it('getMany returns all 150 shops through UnprocessedKeys and throttling', async () => {
      const table = await db.table();
      const clean = testServices(db, table);
      const shopIds = Array.from({ length: 150 }, (_, i) => `sg-many-${String(i).padStart(3, '0')}`);
      await Promise.all(shopIds.map((id, i) => putShop(clean, id, i % 2 === 0 ? 'SG' : 'MY', [], `2025-01-${String((i % 28) + 1).padStart(2, '0')}`)));

      const faulty = faultyClient(db.endpoint, table);
      const svc = testServices(db, table, { doc: faulty.doc });
      let states: Awaited<ReturnType<Services['shops']['getMany']>>;
      try {
        states = await svc.shops.getMany([...shopIds, 'sg-unknown', shopIds[0] as string]);
      } finally {
        faulty.doc.destroy();
      }

      expect(faulty.stats.deferredKeys).toBeGreaterThan(0);
      expect(faulty.stats.throttled).toBeGreaterThan(0);
      expect([...states.keys()].sort()).toEqual(shopIds);
      shopIds.forEach((id, i) => {
        expect(states.get(id)?.profile).toEqual({
          shopId: id,
          market: i % 2 === 0 ? 'SG' : 'MY',
          name: `Shop ${id}`,
          onboardedAt: `2025-01-${String((i % 28) + 1).padStart(2, '0')}`,
          certifications: [],
        });
      });
    });

    it('writes that stay unprocessed past the retries fail the call instead of being reported accepted', async () => {
      const table = await db.table();
      const clock = testClock('2026-11-25T12:00:00Z');
      await putShop(testServices(db, table), 'th-stuck', 'TH');
      const faulty = faultyClient(db.endpoint, table, { neverWrite: true });
      const svc = testServices(db, table, { clock, doc: faulty.doc });
      try {
        await expect(ingestMetrics(svc, healthyDays('th-stuck', '2026-10-01', 3))).rejects.toBeInstanceOf(UnprocessedError);
      } finally {
        faulty.doc.destroy();
      }
      expect(await dayItems(db.doc, table, 'th-stuck')).toEqual([]);
    });
  });

  describe('badge lookup on evaluated data', () => {
    const PERIOD_2026_11 = '2026-09-26';

    async function seedAndEvaluateNovember(clockIso: string) {
      const table = await db.table();
      const clock = testClock(clockIso);
      const svc = testServices(db, table, { clock });
      await putShop(svc, 'th-top', 'TH');
      await putShop(svc, 'th-rev', 'TH');
      await putShop(svc, 'us-gold', 'US');
      const ingest = await ingestMetrics(svc, [
        ...healthyDays('th-top', PERIOD_2026_11, 30),
        ...healthyDays('th-rev', PERIOD_2026_11, 30),
        ...healthyDays('us-gold', PERIOD_2026_11, 30),
      ]);
      expect(ingest).toEqual({ accepted: 90, rejected: [] });
      const run = await evaluateMonth(svc, '2026-11', ['TH', 'US']);
      expect(run.shops).toEqual({ evaluated: 3, awarded: 3, failed: 0 });
      return { table, clock, svc };
    }

    it('shows a stale previous-month badge until 72 h past validUntil, and a revoked badge never', async () => {
      const { svc, clock } = await seedAndEvaluateNovember('2026-11-10T00:00:00Z');
      const revoked = await revokeNow(svc, 'th-rev', 'operator: counterfeit report confirmed');
      expect(revoked.status).toBe('revoked');
      expect(revoked.revocation).toEqual({ at: clock.now.toISOString(), reason: 'operator: counterfeit report confirmed' });

      const ids = ['th-top', 'th-rev', 'us-gold', 'th-unknown'];
      const thNovember = { program: 'top-choice', label: 'TopChoice', month: '2026-11', validFrom: '2026-10-31T17:00:00.000Z', validUntil: '2026-11-30T17:00:00.000Z' };
      // Los Angeles: 1 November 00:00 is still PDT (UTC-7); 1 December 00:00 is PST (UTC-8).
      const usNovember = { program: 'gold-star', label: 'Gold Star Seller', month: '2026-11', validFrom: '2026-11-01T07:00:00.000Z', validUntil: '2026-12-01T08:00:00.000Z' };

      expect(await badgesAt(svc, ids, '2026-11-15T00:00:00Z')).toEqual({
        'th-top': { ...thNovember, stale: false },
        'th-rev': null,
        'us-gold': { ...usNovember, stale: false },
        'th-unknown': null,
      });
      // The month boundary, market by market: TH is in November, Los Angeles still in October.
      expect(await badgesAt(svc, ids, '2026-11-01T06:59:59.999Z')).toMatchObject({ 'th-top': { month: '2026-11' }, 'us-gold': null });
      expect(await badgesAt(svc, ids, '2026-11-01T07:00:00.000Z')).toMatchObject({ 'us-gold': { month: '2026-11', stale: false } });

      // December has no record yet: November's badge, stale, for 72 hours past its validUntil.
      expect(await badgesAt(svc, ids, '2026-12-01T00:00:00Z')).toEqual({
        'th-top': { ...thNovember, stale: true },
        'th-rev': null,
        'us-gold': { ...usNovember, stale: false },
        'th-unknown': null,
      });
      expect(await badgesAt(svc, ids, '2026-12-03T16:59:59.999Z')).toEqual({
        'th-top': { ...thNovember, stale: true },
        'th-rev': null,
        'us-gold': { ...usNovember, stale: true },
        'th-unknown': null,
      });
      expect(await badgesAt(svc, ids, '2026-12-03T17:00:00.000Z')).toMatchObject({ 'th-top': null, 'th-rev': null, 'us-gold': { stale: true } });
      expect(await badgesAt(svc, ids, '2026-12-04T07:59:59.999Z')).toMatchObject({ 'us-gold': { month: '2026-11', stale: true } });
      expect(await badgesAt(svc, ids, '2026-12-04T08:00:00.000Z')).toEqual({ 'th-top': null, 'th-rev': null, 'us-gold': null, 'th-unknown': null });

      // The single-shop path (GetItem instead of BatchGetItem) answers the same.
      expect(await badgesAt(svc, ['th-top'], '2026-12-02T00:00:00Z')).toEqual({ 'th-top': { ...thNovember, stale: true } });
      expect(await badgesAt(svc, ['th-rev'], '2026-12-02T00:00:00Z')).toEqual({ 'th-rev': null });
    });

    it('a revocation by an ingested fraud record hides the badge at once, stale grace included', async () => {
      const { svc } = await seedAndEvaluateNovember('2026-11-20T00:00:00Z');
      const result = await ingestMetrics(svc, [healthyDay('us-gold', '2026-11-19', { fraudViolations: 1 }), healthyDay('th-top', '2026-11-19')]);
      expect(result).toEqual({ accepted: 2, rejected: [] });
      expect((await svc.badges.getMonth('us-gold', '2026-11', true))?.revocation).toEqual({
        at: '2026-11-20T00:00:00.000Z',
        reason: expect.stringContaining('fraudViolations'),
      });
      expect((await svc.badges.getMonth('th-top', '2026-11', true))?.revocation).toBeNull();
      for (const at of ['2026-11-20T00:00:00Z', '2026-12-02T00:00:00Z']) {
        expect(await badgesAt(svc, ['us-gold', 'th-top'], at)).toMatchObject({ 'us-gold': null, 'th-top': { program: 'top-choice' } });
      }
    });

    it('a next month evaluated early (its period over, the month not begun) keeps the badge of two months ago visible', async () => {
      const table = await db.table();
      // 07:00 on 27 November in Bangkok: December's period ended on the 26th, so December may be evaluated now.
      const clock = testClock('2026-11-27T00:00:00Z');
      const svc = testServices(db, table, { clock });
      await putShop(svc, 'th-sep', 'TH');
      expect(await ingestMetrics(svc, healthyDays('th-sep', '2026-07-26', 31))).toEqual({ accepted: 31, rejected: [] }); // September's period
      // September, then December early: its record prunes September's copy from the profile.
      for (const month of ['2026-09', '2026-12']) await evaluateMonth(svc, month, ['TH']);
      expect((await svc.badges.getMonth('th-sep', '2026-09', true))?.badge?.program).toBe('top-choice');
      expect(await profileItem(db.doc, table, 'th-sep')).not.toHaveProperty('B#2026-09');

      const september = { program: 'top-choice', label: 'TopChoice', month: '2026-09', validFrom: '2026-08-31T17:00:00.000Z', validUntil: '2026-09-30T17:00:00.000Z', stale: false };
      const now = clock.now.toISOString();
      expect(await badgesAt(svc, ['th-sep'], '2026-09-15T00:00:00Z', now)).toEqual({ 'th-sep': september });
      expect(await badgesAt(svc, ['th-sep', 'th-none'], '2026-09-15T00:00:00Z', now)).toEqual({ 'th-sep': september, 'th-none': null });
      expect(await badgesAt(svc, ['th-sep'], '2026-10-15T00:00:00Z', now)).toEqual({ 'th-sep': null });
    });

    it('an `at` older than two months before now is answered from the month records', async () => {
      const { table, svc, clock } = await seedAndEvaluateNovember('2026-11-10T00:00:00Z');
      await revokeNow(svc, 'th-rev', 'operator: fraud confirmed');

      // December and January are never evaluated (their records are missing); February is, which prunes
      // November's compact badge and revocation from the profile.
      clock.now = new Date('2027-03-10T00:00:00Z');
      for (const month of ['2027-02']) {
        const run = await evaluateMonth(svc, month, ['TH']);
        expect(run.shops).toEqual({ evaluated: 2, awarded: 0, failed: 0 });
      }
      const profile = await profileItem(db.doc, table, 'th-rev');
      expect(profile).toBeDefined();
      expect(profile).not.toHaveProperty('B#2026-11');
      expect(profile).not.toHaveProperty('R#2026-11');
      expect(profile).toHaveProperty(['B#2027-02', 'program'], null);

      const now = '2027-03-10T00:00:00Z';
      const november = { program: 'top-choice', label: 'TopChoice', month: '2026-11', validFrom: '2026-10-31T17:00:00.000Z', validUntil: '2026-11-30T17:00:00.000Z' };
      expect(await badgesAt(svc, ['th-top', 'th-rev'], '2026-11-15T00:00:00Z', now)).toEqual({ 'th-top': { ...november, stale: false }, 'th-rev': null });
      // December: no record, so November's badge is stale for 72 h past its end, and the revoked one never.
      expect(await badgesAt(svc, ['th-top', 'th-rev'], '2026-12-03T16:59:59.999Z', now)).toEqual({ 'th-top': { ...november, stale: true }, 'th-rev': null });
      expect(await badgesAt(svc, ['th-top', 'th-rev'], '2026-12-03T17:00:00.000Z', now)).toEqual({ 'th-top': null, 'th-rev': null });
      expect(await badgesAt(svc, ['th-top'], '2026-11-15T00:00:00Z', now)).toEqual({ 'th-top': { ...november, stale: false } });
      // February has a record without a badge; January has none and nothing before it to be stale.
      expect(await badgesAt(svc, ['th-top', 'th-rev'], '2027-02-02T00:00:00Z', now)).toEqual({ 'th-top': null, 'th-rev': null });
      expect(await badgesAt(svc, ['th-top', 'th-rev'], '2027-01-02T00:00:00Z', now)).toEqual({ 'th-top': null, 'th-rev': null });
    });
  });
});
