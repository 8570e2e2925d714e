/**
 * Evaluation runs on the real engine (DynamoDB Local, in memory), driven the way production drives them:
 * the planner's startRun queues one message per segment, and the in-process SQS-shaped queue hands each to
 * the real worker handler. Waits are on queue.idle() or on returned promises, never on sleeps.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalSegmentQueue } from '../../functions/local/queue';
import type { BadgeMonth, LocalDate, Market } from '../../shared/domain/calendar';
import type { ProgramResult } from '../../shared/domain/evaluate';
import type { DailyRecord } from '../../shared/domain/metrics';
import type { Certification } from '../../shared/domain/rules';
import { AppError } from '../../shared/errors';
import { useServices } from '../../shared/runtime';
import { createDocumentClient } from '../../shared/store/client';
import { shardOf } from '../../shared/store/keys';
import type { Run } from '../../shared/store/runs';
import { SHARDS_PER_MARKET } from '../../shared/store/table';
import { eligibility } from '../../shared/usecases/eligibility';
import { pendingSegments, processSegment, segmentsOf, startRun, type RunRequest } from '../../shared/usecases/evaluation';
import { ingestMetrics } from '../../shared/usecases/ingest';
import { lookupBadges } from '../../shared/usecases/lookup';
import type { SegmentMessage, Services } from '../../shared/usecases/services';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb, testClock, testServices, type TestClock, type TestDb, importRunHandlers, type RunHandlers } from '../support/harness';
import { healthyDay, healthyDays, type DayValues } from '../support/records';

// ---------------------------------------------------------------------------------------------
// Fixtures: a small world of TH, US and GB shops with the 30 days of November 2026's assessment period
// ---------------------------------------------------------------------------------------------

const MONTH = '2026-11';
const PERIOD_FROM = '2026-09-26'; // .. 2026-10-25: 30 days
/** After November's period has ended everywhere (Los Angeles is the last market to reach 26 October). */
const AFTER_PERIOD = '2026-11-02T00:00:00Z';

/** `count` healthy days of a shop, by default the 30 days of November's period. */
function period(shopId: string, values: DayValues = {}, count = 30, from: LocalDate = PERIOD_FROM): DailyRecord[] {
  return healthyDays(shopId, from, count, values);
}

interface ShopFixture {
  shopId: string;
  market: Market;
  onboardedAt: LocalDate;
  certifications: Certification[];
  records: DailyRecord[];
  /** The expected November badge; undefined = not evaluated for November at all. */
  badge: string | null | undefined;
}

const SHOPS: ShopFixture[] = [
  { shopId: 'th-good-1', market: 'TH', onboardedAt: '2024-05-01', certifications: [], records: period('th-good-1'), badge: 'top-choice' },
  { shopId: 'th-good-2', market: 'TH', onboardedAt: '2025-12-31', certifications: [], records: period('th-good-2', { gmv: 120_000 }), badge: 'top-choice' },
  {
    // Mall wins on certification alone, with performance that would fail TopChoice.
    shopId: 'th-mall',
    market: 'TH',
    onboardedAt: '2023-02-01',
    certifications: [{ type: 'mall', since: '2025-06-01' }],
    records: period('th-mall', { shopRating: 3.9 }),
    badge: 'mall',
  },
  // 1 late dispatch in 10 shipped: 10% > 3%.
  { shopId: 'th-late', market: 'TH', onboardedAt: '2024-05-01', certifications: [], records: period('th-late', { lateDispatches: 1 }), badge: null },
  // Onboarded on 1 November: its first badge month is December.
  { shopId: 'th-new', market: 'TH', onboardedAt: '2026-11-01', certifications: [], records: [], badge: undefined },
  { shopId: 'us-gold', market: 'US', onboardedAt: '2024-05-01', certifications: [], records: period('us-gold'), badge: 'gold-star' },
  { shopId: 'us-plain', market: 'US', onboardedAt: '2024-05-01', certifications: [], records: period('us-plain', { reputationPoints: 500 }), badge: null },
  { shopId: 'gb-1', market: 'GB', onboardedAt: '2024-05-01', certifications: [], records: period('gb-1'), badge: null },
];

const ALL_IDS = SHOPS.map((s) => s.shopId);
const expectedCounts = (markets: Market[]) => {
  const evaluated = SHOPS.filter((s) => markets.includes(s.market) && s.badge !== undefined);
  return { evaluated: evaluated.length, awarded: evaluated.filter((s) => s.badge).length, failed: 0 };
};

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

let db: TestDb;
let worker: RunHandlers['worker'];
let deadLetter: RunHandlers['deadLetter'];

interface World {
  table: string;
  clock: TestClock;
  svc: Services;
  queue: LocalSegmentQueue;
}

/** A fresh table with the fixture shops and their records, and services whose queue runs the real worker. */
async function world(clockIso = AFTER_PERIOD, doc?: DynamoDBDocumentClient): Promise<World> {
  const table = await db.table();
  const clock = testClock(clockIso);
  // A segment that keeps failing is dead-lettered and fails its run, as the AWS stack does.
  const queue = new LocalSegmentQueue(worker, { concurrency: 8, deadLetter });
  const svc = testServices(db, table, { clock, queue, ...(doc ? { doc } : {}) });
  await Promise.all(SHOPS.map((s) => svc.shops.putProfile({ shopId: s.shopId, market: s.market, name: `Shop ${s.shopId}`, onboardedAt: s.onboardedAt, certifications: s.certifications })));
  const ingest = await ingestMetrics(svc, SHOPS.flatMap((s) => s.records));
  expect(ingest.rejected).toEqual([]);
  return { table, clock, svc, queue };
}

/** Starts a run through the planner use case and waits until the queue has delivered every segment. */
async function runToEnd(w: World, request: RunRequest): Promise<Run> {
  useServices(w.svc); // the worker handler resolves its services per message
  const started = await startRun(w.svc, request);
  await w.queue.idle();
  return (await w.svc.runs.get(started.runId)) as Run;
}

async function monthItem(doc: DynamoDBDocumentClient, table: string, shopId: string, month: BadgeMonth): Promise<Record<string, unknown> | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: `SHOP#${shopId}`, sk: `MONTH#${month}` }, ConsistentRead: true }));
  return out.Item;
}

async function profileItem(doc: DynamoDBDocumentClient, table: string, shopId: string): Promise<Record<string, unknown>> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: `SHOP#${shopId}`, sk: 'PROFILE' }, ConsistentRead: true }));
  return out.Item as Record<string, unknown>;
}

/** Every shop's raw month item (the stored attributes, `result` bytes included), by shop id. */
async function monthItems(w: World, month: BadgeMonth = MONTH): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  for (const id of ALL_IDS) {
    const item = await monthItem(db.doc, w.table, id, month);
    if (item) items.set(id, item);
  }
  return items;
}

/**
 * A month item without what may differ between runs of the same inputs: evaluatedAt, runId, and runOrder
 * (`startedAt#runId`, the run's ordering key; checked separately).
 */
function comparable(items: Map<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    [...items].map(([id, item]) => {
      const { evaluatedAt: _at, runId: _run, runOrder: _order, ...rest } = item;
      return [id, rest];
    }),
  );
}

function expectBytesEqual(a: unknown, b: unknown) {
  expect(a).toBeInstanceOf(Uint8Array);
  expect(b).toBeInstanceOf(Uint8Array);
  expect(Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array))).toBe(0);
}

const segmentKey = (m: Pick<SegmentMessage, 'market' | 'shard'>) => `${m.market}#${String(m.shard).padStart(3, '0')}`;
const sortedSegments = (ms: SegmentMessage[]) => [...ms].sort((a, b) => segmentKey(a).localeCompare(segmentKey(b)));

/** An uninterrupted run of November for TH and US, the reference the other runs are compared to. */
let reference: Promise<{ run: Run; items: Map<string, Record<string, unknown>> }> | undefined;
function referenceRun() {
  reference ??= (async () => {
    const w = await world();
    const run = await runToEnd(w, { month: MONTH, markets: ['TH', 'US'] });
    return { run, items: await monthItems(w) };
  })();
  return reference;
}

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN'); // keep the worker's per-segment info lines out of the output
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true'); // and its per-segment metrics
  db = await startTestDb();
  ({ worker, deadLetter } = await importRunHandlers(db));
});

afterAll(async () => {
  await db?.stop();
  vi.unstubAllEnvs();
});

// ---------------------------------------------------------------------------------------------

describe('evaluation runs (DynamoDB Local, real worker through the local queue)', () => {
  it('evaluates one market: the run succeeds with exact counts, the records carry the expected badges, other markets are untouched', async () => {
    const w = await world();
    const run = await runToEnd(w, { month: MONTH, markets: ['TH'] });

    expect(run).toMatchObject({ month: MONTH, markets: ['TH'], dryRun: false, state: 'succeeded', startedAt: AFTER_PERIOD.replace('Z', '.000Z') });
    expect(run.shops).toEqual({ evaluated: 4, awarded: 3, failed: 0 });
    expect(run.shops).toEqual(expectedCounts(['TH']));
    expect({ done: run.segmentsDone, total: run.segmentsTotal }).toEqual({ done: SHARDS_PER_MARKET, total: SHARDS_PER_MARKET });
    expect(run.finishedAt).not.toBeNull();
    expect(w.queue.depth).toBe(0);

    for (const shop of SHOPS) {
      const record = await w.svc.badges.getMonth(shop.shopId, MONTH, true);
      if (shop.market !== 'TH' || shop.badge === undefined) {
        expect(record, shop.shopId).toBeNull();
        expect(await profileItem(db.doc, w.table, shop.shopId), shop.shopId).not.toHaveProperty([`B#${MONTH}`]);
        continue;
      }
      expect(record?.badge?.program ?? null, shop.shopId).toBe(shop.badge);
      expect(record).toMatchObject({ shopId: shop.shopId, market: 'TH', month: MONTH, runId: run.runId, evaluatedAt: AFTER_PERIOD.replace('Z', '.000Z'), revocation: null });
      // Every TH program in effect is listed, eligible or not.
      expect(record?.programs.map((p) => p.program).sort()).toEqual(['mall', 'top-choice']);
    }

    const late = await w.svc.badges.getMonth('th-late', MONTH);
    const lateTopChoice = late?.programs.find((p) => p.program === 'top-choice') as ProgramResult;
    expect(lateTopChoice.eligible).toBe(false);
    expect(lateTopChoice.criteria.find((c) => c.id === 'late-dispatch-rate')).toMatchObject({ actual: 0.1, passed: false });
    expect(lateTopChoice.criteria.filter((c) => !c.passed).map((c) => c.id)).toEqual(['late-dispatch-rate']);
    const mall = await w.svc.badges.getMonth('th-mall', MONTH);
    expect(mall?.programs.find((p) => p.program === 'top-choice')).toMatchObject({ eligible: false, excludedBy: 'mall', criteria: [] });

    expect(await w.svc.runs.evaluatedMonths('TH')).toEqual(new Set([MONTH]));
    expect(await w.svc.runs.evaluatedMonths('US')).toEqual(new Set());
    expect(await w.svc.runs.evaluatedMonths('GB')).toEqual(new Set());

    // The lookup reads the compact copies written with the records.
    const { badges } = await lookupBadges(w.svc, ALL_IDS, new Date('2026-11-15T00:00:00Z'), new Date('2026-11-15T00:00:00Z'));
    expect(Object.fromEntries([...badges].map(([id, b]) => [id, b?.program ?? null]))).toEqual({
      'th-good-1': 'top-choice',
      'th-good-2': 'top-choice',
      'th-mall': 'mall',
      'th-late': null,
      'th-new': null,
      'us-gold': null,
      'us-plain': null,
      'gb-1': null,
    });
    expect((await eligibility(w.svc, 'us-gold', MONTH)).status).toBe('pending');
    expect((await eligibility(w.svc, 'th-good-2', MONTH)).status).toBe('awarded');
  });

  it('a shop whose evaluation keeps failing is counted as failed, and the run ends failed with exact counts', async () => {
    // Every read of th-late's days fails (as a persistent DynamoDB error would); everything else works.
    const doc = createDocumentClient(localClientConfig(db.endpoint));
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        // Matched on the serialized input, so it holds whether the repository sends plain or attribute values.
        const input = JSON.stringify(args.input);
        if (context.commandName === 'QueryCommand' && input.includes('"SHOP#th-late"') && input.includes('DAY#')) {
          throw new Error('injected: the days of th-late cannot be read');
        }
        return next(args);
      },
      { step: 'initialize', name: 'failOneShop' },
    );
    try {
      const w = await world(AFTER_PERIOD, doc);
      const run = await runToEnd(w, { month: MONTH, markets: ['TH'] });
      expect(run.state).toBe('failed');
      expect(run.shops).toEqual({ evaluated: 3, awarded: 3, failed: 1 });
      expect(run.segmentsDone).toBe(SHARDS_PER_MARKET);
      expect(run.finishedAt).not.toBeNull();
      expect(await w.svc.badges.getMonth('th-late', MONTH, true)).toBeNull();
      expect((await w.svc.badges.getMonth('th-good-1', MONTH, true))?.badge?.program).toBe('top-choice');
      // A failed run does not mark the month evaluated: the start-up catch-up will run it again.
      expect(await w.svc.runs.evaluatedMonths('TH')).toEqual(new Set());
    } finally {
      doc.destroy();
    }
  });

  it('refuses a month whose assessment period has not ended (conflict) and starts nothing', async () => {
    const w = await world('2026-11-25T12:00:00Z'); // 19:00 on the 25th in Bangkok: December's period is still open
    useServices(w.svc);
    const refused = await startRun(w.svc, { month: '2026-12', markets: ['TH'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'conflict', status: 409 });
    expect(await w.svc.runs.running()).toEqual([]);
    expect(w.queue.depth).toBe(0);

    // 17:00Z is midnight in Bangkok: TH's period is over, Los Angeles' is not; only US is named.
    w.clock.now = new Date('2026-11-25T17:00:00Z');
    const partly = await startRun(w.svc, { month: '2026-12', markets: ['TH', 'US'] }).catch((e: unknown) => e);
    expect(partly).toBeInstanceOf(AppError);
    expect((partly as AppError).code).toBe('conflict');
    expect((partly as AppError).details.map((d) => d.market)).toEqual(['US']);
    expect(await w.svc.runs.running()).toEqual([]);

    const ok = await runToEnd(w, { month: '2026-12', markets: ['TH'], dryRun: true });
    expect(ok.state).toBe('succeeded');
    // December: th-new is due now, and nobody has data in December's period.
    expect(ok.shops).toEqual({ evaluated: 5, awarded: 1, failed: 0 });
  });

  it('where days expire (AWS), a month is evaluated until the end of M+2, market-local, and refused (conflict) after; locally always', async () => {
    const w = await world('2027-01-31T16:59:59Z'); // the last second of January 2027 in Bangkok
    useServices(w.svc);
    const aws: Services = { ...w.svc, daysExpire: true };
    const last = await startRun(aws, { month: MONTH, markets: ['TH'], dryRun: true });
    await w.queue.idle();
    expect((await w.svc.runs.get(last.runId))?.shops).toEqual(expectedCounts(['TH']));

    w.clock.now = new Date('2027-01-31T17:00:00Z'); // February in Bangkok; still January in Los Angeles
    for (const dryRun of [false, true]) {
      const refused = await startRun(aws, { month: MONTH, markets: ['TH', 'US'], dryRun }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'conflict', status: 409 });
      expect((refused as AppError).message).toContain('daily metrics of 2026-11 are no longer kept in TH');
      expect((refused as AppError).message).toContain('2027-01-31T17:00:00.000Z');
      expect((refused as AppError).details.map((d) => d.market)).toEqual(['TH']);
    }
    expect(await w.svc.runs.running()).toEqual([]);
    expect(w.queue.depth).toBe(0);
    // December's days are kept a month longer; and where days do not expire (the local stack) November runs.
    expect((await runToEnd({ ...w, svc: aws }, { month: '2026-12', markets: ['TH'], dryRun: true })).state).toBe('succeeded');
    expect((await runToEnd(w, { month: MONTH, markets: ['TH'], dryRun: true })).shops).toEqual(expectedCounts(['TH']));
  });

  it('a dry run counts like a real run but writes no month record', async () => {
    const w = await world();
    const dry = await runToEnd(w, { month: MONTH, markets: ['TH', 'US'], dryRun: true });
    expect(dry).toMatchObject({ state: 'succeeded', dryRun: true });
    expect(dry.shops).toEqual(expectedCounts(['TH', 'US']));
    expect(dry.shops).toEqual({ evaluated: 6, awarded: 4, failed: 0 });

    expect(await monthItems(w)).toEqual(new Map());
    for (const id of ALL_IDS) expect(await profileItem(db.doc, w.table, id), id).not.toHaveProperty([`B#${MONTH}`]);
    expect(await w.svc.runs.evaluatedMonths('TH')).toEqual(new Set());
    expect((await eligibility(w.svc, 'th-good-1', MONTH)).status).toBe('pending');
  });

  it('a rerun gives byte-equal records except evaluatedAt and runId, and keeps a revocation made in between', async () => {
    const w = await world();
    const first = await runToEnd(w, { month: MONTH, markets: ['TH', 'US'] });
    expect(first.shops).toEqual(expectedCounts(['TH', 'US']));

    // Between the runs: an operator revocation, and a revocation by an ingested fraud record (dated after
    // the period, so it does not change November's evaluation).
    w.clock.now = new Date('2026-11-10T00:00:00Z');
    await w.svc.badges.revoke('th-good-2', MONTH, { at: w.clock.now.toISOString(), reason: 'operator: confirmed fake reviews' });
    expect(await ingestMetrics(w.svc, [healthyDay('us-gold', '2026-11-09', { fraudViolations: 1 })])).toEqual({ accepted: 1, rejected: [] });
    const before = await monthItems(w);
    expect(before.get('th-good-2')?.revocation).toEqual({ at: '2026-11-10T00:00:00.000Z', reason: 'operator: confirmed fake reviews' });
    expect(before.get('us-gold')?.revocation).toMatchObject({ at: '2026-11-10T00:00:00.000Z', reason: expect.stringContaining('fraudViolations') });

    w.clock.now = new Date('2026-11-12T09:30:00Z');
    const second = await runToEnd(w, { month: MONTH, markets: ['TH', 'US'] });
    expect(second.state).toBe('succeeded');
    // Neither revoked shop counts as awarded: th-good-2's revocation stays whatever the rerun finds, and
    // us-gold's fraud record (9 November) is now before the run's date, so the rerun sees it too; each
    // revocation stays the one first made (time and reason).
    expect(second.shops).toEqual({ ...first.shops, awarded: first.shops.awarded - 2 });
    const after = await monthItems(w);

    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(comparable(after)).toEqual(comparable(before));
    for (const [id, item] of after) {
      expectBytesEqual(item.result, before.get(id)?.result);
      // Rewritten by the second run, not left over from the first.
      expect(item, id).toMatchObject({ runOrder: `${second.startedAt}#${second.runId}`, evaluatedAt: '2026-11-12T09:30:00.000Z' });
      expect(before.get(id), id).toMatchObject({ runOrder: `${first.startedAt}#${first.runId}` });
    }

    // The revocations stay, and the lookup shows no badge for those shops, now or as stale grace.
    expect((await eligibility(w.svc, 'th-good-2', MONTH)).status).toBe('revoked');
    expect((await eligibility(w.svc, 'us-gold', MONTH)).status).toBe('revoked');
    for (const at of ['2026-11-15T00:00:00Z', '2026-12-02T00:00:00Z']) {
      const { badges } = await lookupBadges(w.svc, ['th-good-1', 'th-good-2', 'us-gold'], new Date(at), new Date(at));
      expect(badges.get('th-good-2'), at).toBeNull();
      expect(badges.get('us-gold'), at).toBeNull();
      expect(badges.get('th-good-1')?.program, at).toBe('top-choice');
    }
  });

  it('two concurrent runs of one month give the same records as a single run, and each run counts every shop once', async () => {
    const { items: single } = await referenceRun();
    const w = await world();
    useServices(w.svc);
    // Two planners whose clocks disagree by a second: the run started first is the newer one by runOrder,
    // so the older run's segments, queued behind it, arrive last and must not overwrite its records.
    const newer = await startRun({ ...w.svc, clock: () => new Date('2026-11-02T00:00:01Z') }, { month: MONTH, markets: ['TH', 'US'] });
    const older = await startRun({ ...w.svc, clock: () => new Date('2026-11-02T00:00:00Z') }, { month: MONTH, markets: ['TH', 'US'] });
    expect(w.queue.depth).toBeGreaterThan(0); // both runs are queued before anything is awaited
    await w.queue.idle();

    for (const started of [newer, older]) {
      const run = (await w.svc.runs.get(started.runId)) as Run;
      expect(run.state).toBe('succeeded');
      expect(run.shops).toEqual(expectedCounts(['TH', 'US']));
      expect(run.segmentsDone).toBe(2 * SHARDS_PER_MARKET);
    }

    const items = await monthItems(w);
    expect(comparable(items)).toEqual(comparable(single));
    // The newer run wins everywhere, on the record and on the profile's copy alike.
    const winner = `${newer.startedAt}#${newer.runId}`;
    expect(winner > `${older.startedAt}#${older.runId}`).toBe(true);
    for (const [id, item] of items) {
      expectBytesEqual(item.result, single.get(id)?.result);
      expect(item, id).toMatchObject({ runOrder: winner });
      expect(await profileItem(db.doc, w.table, id), id).toHaveProperty([`B#${MONTH}`, 'runOrder'], winner);
    }
  });

  it('a run killed after some segments resumes from exactly the missing ones and ends like an uninterrupted run', async () => {
    const { run: uninterrupted, items: uninterruptedItems } = await referenceRun();
    const w = await world();
    // The process dies after queueing: nothing is delivered.
    const queued: SegmentMessage[] = [];
    const svc: Services = { ...w.svc, queue: { send: async (messages) => void queued.push(...messages) } };
    const run = await startRun(svc, { month: MONTH, markets: ['TH', 'US'] });
    expect(sortedSegments(queued)).toEqual(sortedSegments(segmentsOf(run)));
    expect(queued).toHaveLength(2 * SHARDS_PER_MARKET);

    // Before the crash, the segments of some shops (and a few empty ones) were done; one of them twice,
    // delivered concurrently.
    const doneShards = new Set(['th-good-1', 'th-mall', 'us-gold'].map((id) => `${id.startsWith('us') ? 'US' : 'TH'}#${shardOf(id)}`));
    const done = queued.filter((m, i) => doneShards.has(`${m.market}#${m.shard}`) || i % 16 === 0);
    const rest = queued.filter((m) => !done.includes(m));
    const twice = done.find((m) => m.market === 'TH' && m.shard === shardOf('th-good-1')) as SegmentMessage;
    await Promise.all([...done, twice].map((m) => processSegment(svc, m)));

    // And one segment died half-way: its shop's record was written, the segment was never marked done.
    const crashed = rest.find((m) => m.market === 'TH' && m.shard === shardOf('th-good-2')) as SegmentMessage;
    expect(crashed).toBeDefined();
    const dying = createDocumentClient(localClientConfig(db.endpoint));
    dying.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') throw new Error('killed before the segment was marked done');
        return next(args);
      },
      { step: 'initialize', name: 'dieBeforeSegmentDone' },
    );
    try {
      await expect(processSegment(testServices(db, w.table, { clock: w.clock, doc: dying }), crashed)).rejects.toThrow('killed');
    } finally {
      dying.destroy();
    }
    expect((await w.svc.badges.getMonth('th-good-2', MONTH, true))?.runId).toBe(run.runId);

    const midway = (await svc.runs.get(run.runId)) as Run;
    expect(midway.state).toBe('running');
    expect(midway.segmentsDone).toBe(done.length);
    const doneShops = SHOPS.filter((s) => s.badge !== undefined && done.some((m) => m.market === s.market && m.shard === shardOf(s.shopId)));
    expect(doneShops.map((s) => s.shopId)).toEqual(expect.arrayContaining(['th-good-1', 'th-mall', 'us-gold']));
    expect(midway.shops).toEqual({ evaluated: doneShops.length, awarded: doneShops.filter((s) => s.badge).length, failed: 0 });

    // After the restart: exactly the rest is pending.
    const pending = await pendingSegments(svc);
    expect(sortedSegments(pending)).toEqual(sortedSegments(rest));

    // Resumed through the queue and the real worker.
    useServices(w.svc);
    await w.queue.send(pending);
    await w.queue.idle();

    const finished = (await svc.runs.get(run.runId)) as Run;
    expect(finished.state).toBe('succeeded');
    expect(finished.segmentsDone).toBe(2 * SHARDS_PER_MARKET);
    expect(finished.shops).toEqual(uninterrupted.shops);
    expect(finished.shops).toEqual(expectedCounts(['TH', 'US']));
    expect(comparable(await monthItems(w))).toEqual(comparable(uninterruptedItems));
    expect(await pendingSegments(svc)).toEqual([]);

    // A late duplicate of a segment after the end changes nothing.
    expect(await processSegment(svc, twice)).toBeNull();
    expect(((await svc.runs.get(run.runId)) as Run).shops).toEqual(finished.shops);
  });
});
