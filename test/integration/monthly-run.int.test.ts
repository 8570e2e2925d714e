/**
 * The monthly run at 3 a.m. on DynamoDB Local: the scheduled run is one run however often its schedule is
 * delivered (sequentially, concurrently, after a crash), a done segment is not evaluated again, the run
 * revokes at once what the records it already holds revoke, failed shops are listed and can be rerun by id,
 * and a segment that keeps failing backs off and is dead-lettered into a failed run. DynamoDB writes are
 * counted on the client, so "writes nothing again" is measured, not assumed. No sleeps: waits are on the
 * queue becoming idle or on returned promises.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { LocalSegmentQueue } from '../../functions/local/queue';
import type { LocalDate, Market } from '../../shared/domain/calendar';
import { AppError } from '../../shared/errors';
import { useServices } from '../../shared/runtime';
import { createDocumentClient } from '../../shared/store/client';
import { shardOf } from '../../shared/store/keys';
import type { Run } from '../../shared/store/runs';
import { SHARDS_PER_MARKET } from '../../shared/store/table';
import { eligibility } from '../../shared/usecases/eligibility';
import {
  monthRuns,
  processSegment,
  REQUEUE_AFTER_MS,
  resumeScheduledRun,
  runStatus,
  scheduledRunId,
  startRun,
  startScheduledRun,
} from '../../shared/usecases/evaluation';
import { ingestMetrics } from '../../shared/usecases/ingest';
import { lookupBadges } from '../../shared/usecases/lookup';
import type { SegmentMessage, SegmentQueue, Services } from '../../shared/usecases/services';
import { startTestDb, testClock, testServices, type TestClock, type TestDb, importRunHandlers, type RunHandlers } from '../support/harness';
import { healthyDay, healthyDays } from '../support/records';

const MONTH = '2026-12';
/** December's assessment period: 26 October to 25 November (31 days). */
const PERIOD_FROM: LocalDate = '2026-10-26';
/** 00:00 on 1 December in Bangkok: TH's scheduled run of December. */
const TH_SCHEDULE = '2026-11-30T17:00:00.000Z';

// ---------------------------------------------------------------------------------------------
// Write counting: a DocumentClient whose every write request is counted (and may be made to fail)
// ---------------------------------------------------------------------------------------------

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

interface CountingClient {
  doc: DynamoDBDocumentClient;
  /** Write requests sent, and those of them that write a shop's month record. */
  writes: { total: number; monthRecords: number };
  /** Set to make matching requests fail (serialized input and command name). */
  fail?: (command: string, input: string) => boolean;
}

function countingClient(db: TestDb): CountingClient {
  const doc = createDocumentClient(localClientConfig(db.endpoint));
  const client: CountingClient = { doc, writes: { total: 0, monthRecords: 0 } };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const input = JSON.stringify(args.input);
      const command = context.commandName ?? '';
      if (client.fail?.(command, input)) throw new Error(`injected: ${command} failed`);
      if (WRITE_COMMANDS.has(command)) {
        client.writes.total++;
        if (command === 'UpdateItemCommand' && input.includes('"SHOP#') && input.includes('"MONTH#')) client.writes.monthRecords++;
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return client;
}

/** A queue that only holds what is sent (a planner's view: sent, not yet delivered). */
function holdingQueue(): SegmentQueue & { sent: SegmentMessage[] } {
  const sent: SegmentMessage[] = [];
  return { sent, send: async (messages) => void sent.push(...messages) };
}

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

let db: TestDb;
let worker: RunHandlers['worker'];
let deadLetter: RunHandlers['deadLetter'];

interface World {
  table: string;
  clock: TestClock;
  counted: CountingClient;
  queue: LocalSegmentQueue;
  /** Services writing through the counting client, their queue the local queue with the real worker. */
  svc: Services;
}

const TH_SHOPS = ['th-a', 'th-b', 'th-c'];

async function world(clockIso = TH_SCHEDULE, shops: { shopId: string; market: Market }[] = TH_SHOPS.map((shopId) => ({ shopId, market: 'TH' as Market }))): Promise<World> {
  const table = await db.table();
  const clock = testClock('2026-11-26T06:00:00Z');
  const setup = testServices(db, table, { clock });
  for (const s of shops) await setup.shops.putProfile({ shopId: s.shopId, market: s.market, onboardedAt: '2024-05-01', certifications: [] });
  const ingest = await ingestMetrics(setup, shops.flatMap((s) => healthyDays(s.shopId, PERIOD_FROM, 31)));
  expect(ingest.rejected).toEqual([]);
  clock.now = new Date(clockIso);
  const counted = countingClient(db);
  const queue = new LocalSegmentQueue(worker, { concurrency: 8, deadLetter });
  const svc = testServices(db, table, { clock, queue, doc: counted.doc });
  useServices(svc); // the worker and dead-letter handlers resolve their services per message
  return { table, clock, counted, queue, svc };
}

const withQueue = (w: World, queue: SegmentQueue): Services => ({ ...w.svc, queue });

async function run(w: World, runId: string): Promise<Run> {
  return (await w.svc.runs.get(runId)) as Run;
}

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'CRITICAL'); // the failures these tests cause are logged on purpose
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  db = await startTestDb();
  ({ worker, deadLetter } = await importRunHandlers(db));
});

afterAll(async () => {
  await db?.stop();
  vi.unstubAllEnvs();
});

// ---------------------------------------------------------------------------------------------

describe('the scheduled run is one run however often it is delivered', () => {
  it('a second delivery after the run finds it and writes nothing; its id is sched-<market>-<month>', async () => {
    const w = await world();
    const { handler: planner } = await import('../../functions/planner/handler');
    const first = await planner({ market: 'TH', scheduledTime: TH_SCHEDULE });
    expect(first).toEqual({ runId: 'sched-TH-2026-12', outcome: 'started' });
    await w.queue.idle();
    const done = await run(w, 'sched-TH-2026-12');
    expect(done).toMatchObject({ state: 'succeeded', trigger: 'schedule', markets: ['TH'], shops: { evaluated: 3, awarded: 3, failed: 0 } });
    expect(w.counted.writes.monthRecords).toBe(3); // one month record per shop

    const before = { ...w.counted.writes };
    expect(await planner({ market: 'TH', scheduledTime: TH_SCHEDULE })).toEqual({ runId: 'sched-TH-2026-12', outcome: 'finished' });
    await w.queue.idle();
    expect(w.counted.writes).toEqual(before);
    expect(await monthRuns(w.svc, MONTH)).toMatchObject({ runs: [{ runId: 'sched-TH-2026-12', trigger: 'schedule', state: 'succeeded' }] });
  });

  it('a delivery while the run is queued sends nothing and writes nothing; a done segment delivered again is skipped', async () => {
    const w = await world();
    const held = holdingQueue();
    const svc = withQueue(w, held);
    expect((await startScheduledRun(svc, 'TH', new Date(TH_SCHEDULE))).outcome).toBe('started');
    expect(held.sent).toHaveLength(SHARDS_PER_MARKET);
    const writes = w.counted.writes.total;

    expect((await startScheduledRun(svc, 'TH', new Date(TH_SCHEDULE))).outcome).toBe('already-queued');
    expect(held.sent).toHaveLength(SHARDS_PER_MARKET);
    expect(w.counted.writes.total).toBe(writes);

    // The segments are delivered, one of them a second time after it was done.
    const segment = held.sent.find((m) => m.shard === shardOf('th-a')) as SegmentMessage;
    expect(await processSegment(svc, segment)).toMatchObject({ evaluated: 1, awarded: 1, failed: 0 });
    const afterOne = { ...w.counted.writes };
    expect(await processSegment(svc, segment)).toBeNull();
    expect(w.counted.writes).toEqual(afterOne);
    expect((await run(w, scheduledRunId('TH', MONTH))).shops.evaluated).toBe(1);

    await w.queue.send(held.sent);
    await w.queue.idle();
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'succeeded', shops: { evaluated: 3, awarded: 3, failed: 0 }, segmentsDone: SHARDS_PER_MARKET });
    expect(w.counted.writes.monthRecords).toBe(3);
  });

  it('two concurrent deliveries make one run, queue its segments once and write each month record once', async () => {
    const w = await world();
    const held = holdingQueue();
    const svc = withQueue(w, held);
    const outcomes = await Promise.all([startScheduledRun(svc, 'TH', new Date(TH_SCHEDULE)), startScheduledRun(svc, 'TH', new Date(TH_SCHEDULE))]);
    expect(outcomes.map((o) => o.run.runId)).toEqual(['sched-TH-2026-12', 'sched-TH-2026-12']);
    expect(outcomes.map((o) => o.outcome).filter((o) => o !== 'already-queued')).toHaveLength(1);
    expect(held.sent).toHaveLength(SHARDS_PER_MARKET);
    expect(new Set(held.sent.map((m) => m.shard)).size).toBe(SHARDS_PER_MARKET);

    await w.queue.send(held.sent);
    await w.queue.idle();
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'succeeded', shops: { evaluated: 3, awarded: 3, failed: 0 } });
    expect(w.counted.writes.monthRecords).toBe(3);
    expect((await monthRuns(w.svc, MONTH)).runs).toHaveLength(1);
  });

  it('a crash between creating the run and queueing it is recovered by the next delivery', async () => {
    const w = await world();
    const broken: SegmentQueue = {
      send: async () => {
        throw new Error('injected: SQS unreachable');
      },
    };
    await expect(startScheduledRun(withQueue(w, broken), 'TH', new Date(TH_SCHEDULE))).rejects.toThrow('SQS unreachable');
    const stopped = await run(w, 'sched-TH-2026-12');
    expect(stopped).toMatchObject({ state: 'running', segmentsDone: 0 });
    expect(stopped.queuedAt).toBeUndefined(); // the failed delivery gave its claim back
    expect(w.counted.writes.monthRecords).toBe(0);

    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 60_000); // Lambda's async retry, a minute later
    expect((await startScheduledRun(w.svc, 'TH', new Date(TH_SCHEDULE))).outcome).toBe('resumed');
    await w.queue.idle();
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'succeeded', shops: { evaluated: 3, awarded: 3, failed: 0 } });
    expect(w.counted.writes.monthRecords).toBe(3);
  });

  it('a planner killed after claiming the queueing: the watchdog queues exactly the missing segments', async () => {
    const w = await world();
    // Killed after its claim: nothing sent, and the claim (queuedAt) is not given back.
    w.counted.fail = (command, input) => command === 'UpdateItemCommand' && input.includes('REMOVE queuedAt');
    const broken: SegmentQueue = {
      send: async () => {
        throw new Error('injected: killed');
      },
    };
    await expect(startScheduledRun(withQueue(w, broken), 'TH', new Date(TH_SCHEDULE))).rejects.toThrow();
    w.counted.fail = undefined;
    expect((await run(w, 'sched-TH-2026-12')).queuedAt).toBe(TH_SCHEDULE);

    // A delivery soon after must not queue what may be in flight; it finds a fresh claim.
    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 5 * 60_000);
    expect((await startScheduledRun(w.svc, 'TH', new Date(TH_SCHEDULE))).outcome).toBe('already-queued');
    expect(w.queue.depth).toBe(0);

    // One segment got done meanwhile (say, a message of an earlier attempt).
    const runNow = await run(w, 'sched-TH-2026-12');
    await processSegment(w.svc, { runId: runNow.runId, month: MONTH, market: 'TH', shard: shardOf('th-a'), runOrder: `${runNow.startedAt}#${runNow.runId}`, dryRun: false });

    // The watchdog at 02:00 (more than REQUEUE_AFTER_MS after the claim) queues the 63 others.
    expect(REQUEUE_AFTER_MS).toBeLessThan(2 * 3_600_000);
    const sent = holdingQueue();
    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 2 * 3_600_000);
    expect(await resumeScheduledRun(withQueue(w, sent), 'TH', MONTH)).toBe(SHARDS_PER_MARKET - 1);
    expect(sent.sent.map((m) => m.shard)).not.toContain(shardOf('th-a'));
    // Run again right away, it queues nothing more.
    expect(await resumeScheduledRun(withQueue(w, sent), 'TH', MONTH)).toBe(0);

    const { handler: watchdog } = await import('../../functions/watchdog/handler');
    await w.queue.send(sent.sent);
    await w.queue.idle();
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'succeeded', shops: { evaluated: 3, awarded: 3, failed: 0 } });
    expect(w.counted.writes.monthRecords).toBe(3);
    // The 24-hour watchdog finds the month succeeded and queues nothing.
    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 24 * 3_600_000);
    expect(await watchdog({ market: 'TH', scheduledTime: w.clock.now.toISOString() })).toEqual({ month: MONTH, succeeded: true, requeued: 0 });
  });
  it('a run whose last worker stopped before ending it is ended by the watchdog', async () => {
    const w = await world();
    // Every segment is marked done, but the update that ends the run never lands.
    w.counted.fail = (command, input) => command === 'UpdateItemCommand' && input.includes('finishedAt');
    await startScheduledRun(w.svc, 'TH', new Date(TH_SCHEDULE));
    await w.queue.idle();
    w.counted.fail = undefined;
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'running', segmentsDone: SHARDS_PER_MARKET, shops: { evaluated: 3, awarded: 3, failed: 0 } });

    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 2 * 3_600_000);
    expect(await resumeScheduledRun(w.svc, 'TH', MONTH)).toBe(0);
    expect(await run(w, 'sched-TH-2026-12')).toMatchObject({ state: 'succeeded', finishedAt: w.clock.now.toISOString() });
    expect(await w.svc.runs.evaluatedMonths('TH')).toEqual(new Set([MONTH]));
    expect(w.counted.writes.monthRecords).toBe(3);
  });
});

describe('the run revokes at once what the records it holds revoke', () => {
  /** A December run at noon in Bangkok on 1 December (its market-local date). */
  const RUN_AT = '2026-12-01T05:00:00.000Z';

  it('records on the 26th and on the run date revoke; a later one is left to ingest; a restatement to clean keeps the revocation', async () => {
    const shops = ['th-d26', 'th-d01', 'th-d02', 'th-restated', 'th-clean'];
    const w = await world('2026-12-01T04:00:00Z', shops.map((shopId) => ({ shopId, market: 'TH' as Market })));
    expect(
      await ingestMetrics(w.svc, [
        healthyDay('th-d26', '2026-11-26', { fraudViolations: 1 }),
        healthyDay('th-d01', '2026-12-01', { status: 'suspended' }),
        healthyDay('th-restated', '2026-11-27', { counterfeitViolations: 2 }),
        healthyDay('th-clean', '2026-11-30'),
      ]),
    ).toEqual({ accepted: 4, rejected: [] });

    // A dry run applies the rule too: three badges are revoked, so two shops count as awarded.
    w.clock.now = new Date(RUN_AT);
    const dry = await startRun(w.svc, { month: MONTH, markets: ['TH'], dryRun: true });
    await w.queue.idle();
    expect((await run(w, dry.runId)).shops).toEqual({ evaluated: 5, awarded: 2, failed: 0 });
    expect(w.counted.writes.monthRecords).toBe(0);

    const first = await startRun(w.svc, { month: MONTH, markets: ['TH'] });
    await w.queue.idle();
    expect((await run(w, first.runId)).shops).toEqual({ evaluated: 5, awarded: 2, failed: 0 });

    const d26 = await w.svc.badges.getMonth('th-d26', MONTH, true);
    expect(d26?.badge?.program).toBe('top-choice');
    expect(d26?.revocation).toEqual({ at: RUN_AT, reason: expect.stringMatching(/2026-11-26.*fraudViolations/) });
    const d01 = await w.svc.badges.getMonth('th-d01', MONTH, true);
    expect(d01?.revocation).toEqual({ at: RUN_AT, reason: expect.stringMatching(/2026-12-01.*status was suspended/) });
    expect((await w.svc.badges.getMonth('th-restated', MONTH, true))?.revocation?.reason).toMatch(/2026-11-27.*counterfeitViolations/);
    expect((await w.svc.badges.getMonth('th-d02', MONTH, true))?.revocation).toBeNull();
    expect((await w.svc.badges.getMonth('th-clean', MONTH, true))?.revocation).toBeNull();
    expect((await eligibility(w.svc, 'th-d26', MONTH)).status).toBe('revoked');

    // No badge is ever shown for them, from the first instant of December on.
    const at = new Date('2026-11-30T17:00:00Z');
    const shown = await lookupBadges(w.svc, shops, at, at);
    expect(Object.fromEntries([...shown.badges].map(([id, b]) => [id, b?.program ?? null]))).toEqual({
      'th-d26': null,
      'th-d01': null,
      'th-d02': 'top-choice',
      'th-restated': null,
      'th-clean': 'top-choice',
    });

    // The day after the run: not seen by that run; ingest revokes the badge the shop now holds.
    w.clock.now = new Date('2026-12-02T03:00:00Z');
    expect(await ingestMetrics(w.svc, [healthyDay('th-d02', '2026-12-02', { fraudViolations: 3 }), healthyDay('th-restated', '2026-11-27')])).toEqual({
      accepted: 2,
      rejected: [],
    });
    expect((await w.svc.badges.getMonth('th-d02', MONTH, true))?.revocation).toEqual({ at: '2026-12-02T03:00:00.000Z', reason: expect.stringContaining('2026-12-02') });

    // th-restated's day is clean now; a rerun keeps the revocation the first run made.
    const rerun = await startRun(w.svc, { month: MONTH, markets: ['TH'] });
    await w.queue.idle();
    expect((await run(w, rerun.runId)).state).toBe('succeeded');
    const restated = await w.svc.badges.getMonth('th-restated', MONTH, true);
    expect(restated?.runId).toBe(rerun.runId);
    expect(restated?.revocation).toEqual({ at: RUN_AT, reason: expect.stringContaining('2026-11-27') });
    expect((await w.svc.badges.getMonth('th-d26', MONTH, true))?.revocation?.at).toBe(RUN_AT);
    expect((await eligibility(w.svc, 'th-restated', MONTH)).status).toBe('revoked');
  });

  it('reads no further than the last day of the badge month (a late rerun of an old month)', async () => {
    const w = await world('2027-01-03T04:00:00Z', [{ shopId: 'th-late-fraud', market: 'TH' }]);
    expect(await ingestMetrics(w.svc, [healthyDay('th-late-fraud', '2027-01-01', { fraudViolations: 1 })])).toEqual({ accepted: 1, rejected: [] });
    const rerun = await startRun(w.svc, { month: MONTH, markets: ['TH'] });
    await w.queue.idle();
    expect((await run(w, rerun.runId)).shops).toEqual({ evaluated: 1, awarded: 1, failed: 0 });
    expect((await w.svc.badges.getMonth('th-late-fraud', MONTH, true))?.revocation).toBeNull();
  });
});

describe('failures are visible and retryable', () => {
  it('a failing shop is listed in the run, and a run of just that shop retries it', async () => {
    const w = await world(TH_SCHEDULE, [...TH_SHOPS.map((shopId) => ({ shopId, market: 'TH' as Market })), { shopId: 'us-x', market: 'US' }]);
    w.counted.fail = (command, input) => command === 'QueryCommand' && input.includes('"SHOP#th-b"') && input.includes('DAY#');
    const failed = await startRun(w.svc, { month: MONTH, markets: ['TH'] });
    await w.queue.idle();
    w.counted.fail = undefined;
    const status = await runStatus(w.svc, await run(w, failed.runId));
    expect(status).toEqual({
      runId: failed.runId,
      month: MONTH,
      markets: ['TH'],
      dryRun: false,
      trigger: 'operator',
      state: 'failed',
      shops: { evaluated: 2, awarded: 2, failed: 1 },
      failures: [{ shopId: 'th-b', message: 'injected: QueryCommand failed' }],
      startedAt: TH_SCHEDULE,
      finishedAt: TH_SCHEDULE,
      segments: { done: SHARDS_PER_MARKET, total: SHARDS_PER_MARKET },
    });

    // Named shops: an id with no profile in the markets is a 400 naming it, and nothing starts.
    for (const shopIds of [['th-b', 'th-nobody'], ['th-b', 'us-x']]) {
      const refused = await startRun(w.svc, { month: MONTH, markets: ['TH'], shopIds }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'bad_request', message: expect.stringContaining(shopIds[1] as string) });
    }
    expect((await monthRuns(w.svc, MONTH)).runs).toHaveLength(1);

    const before = w.counted.writes.monthRecords;
    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 60_000);
    const retry = await startRun(w.svc, { month: MONTH, markets: ['TH'], shopIds: ['th-b', 'th-b'] });
    expect(retry.segmentsTotal).toBe(1);
    await w.queue.idle();
    expect(await runStatus(w.svc, await run(w, retry.runId))).toMatchObject({ state: 'succeeded', shops: { evaluated: 1, awarded: 1, failed: 0 }, failures: [] });
    expect(w.counted.writes.monthRecords - before).toBe(1); // th-b alone
    expect((await w.svc.badges.getMonth('th-b', MONTH, true))?.runId).toBe(retry.runId);
    expect((await w.svc.badges.getMonth('th-a', MONTH, true))?.runId).toBe(failed.runId);

    // Named shops over two markets, markets left out: the shops' markets (catalog order), one segment each.
    w.clock.now = new Date(Date.parse(TH_SCHEDULE) + 120_000);
    const both = await startRun(w.svc, { month: MONTH, shopIds: ['us-x', 'th-c'] });
    expect(both.markets).toEqual(['US', 'TH']);
    await w.queue.idle();
    expect((await run(w, both.runId)).shops).toEqual({ evaluated: 2, awarded: 2, failed: 0 });
    // A run of named shops does not mark the month evaluated (the start-up catch-up still runs it).
    expect(await w.svc.runs.evaluatedMonths('US')).toEqual(new Set());

    // The month's runs, newest first, with their trigger; by market.
    const listed = await monthRuns(w.svc, MONTH);
    expect(listed.runs.map((r) => r.runId)).toEqual([both.runId, retry.runId, failed.runId]);
    expect(listed.runs.every((r) => r.trigger === 'operator')).toBe(true);
    expect((await monthRuns(w.svc, MONTH, 'US')).runs.map((r) => r.runId)).toEqual([both.runId]);
    expect(await monthRuns(w.svc, '2026-11')).toEqual({ runs: [] });
  });

  it('a segment that keeps failing comes back after a growing backoff, then is dead-lettered and fails its run with a reason', async () => {
    const w = await world();
    const broken = shardOf('th-c');
    // Its segment can never be marked done.
    w.counted.fail = (command, input) => command === 'TransactWriteItemsCommand' && input.includes(`SEG#TH#${String(broken).padStart(3, '0')}`);
    const started = await startRun(w.svc, { month: MONTH, markets: ['TH'] });
    await w.queue.idle();
    w.counted.fail = undefined;
    expect(w.queue.backoffs).toEqual([30, 60, 90, 120, 150]);
    expect(w.queue.deadLettered.map((m) => m.shard)).toEqual([broken]);
    const failed = await runStatus(w.svc, await run(w, started.runId));
    expect(failed).toMatchObject({ state: 'failed', reason: expect.stringContaining(`segment TH#${broken}`), segments: { done: SHARDS_PER_MARKET - 1, total: SHARDS_PER_MARKET } });
    expect(failed.finishedAt).toBe(TH_SCHEDULE);
  });
});
