/**
 * Policy simulation on DynamoDB Local (contract "Policy simulation"): a dry run with `changes` goes through
 * the same planner/segments/worker path as any run, writes no month record, and its status carries the
 * diff against the stored month records. Every expected number below is worked out by hand from the
 * fixtures (TH, badge month 2026-12, period 26 Oct - 25 Nov, 31 days):
 *
 * | shop    | per day                         | completedOrders | gmv       | rating | stored badge |
 * |---------|---------------------------------|-----------------|-----------|--------|--------------|
 * | th-a    | 10 orders, 150,000              | 310             | 4,650,000 | 4.8    | top-choice   |
 * | th-b    | 6 orders, 150,000               | 186             | 4,650,000 | 4.8    | top-choice   |
 * | th-c    | 5 orders, 100,000               | 155             | 3,100,000 | 4.8    | top-choice   |
 * | th-d    | 10 orders, 150,000, rating 4.4  | 310             | 4,650,000 | 4.4    | top-choice   |
 * | th-e    | healthy, 13 violation points    | 310             | 4,650,000 | 4.8    | none         |
 * | th-mall | healthy, holds `mall`           | 310             | 4,650,000 | 4.8    | mall         |
 *
 * TopChoice TH volume is "150 completed orders or THB35,000 (3,500,000 minor units)".
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalSegmentQueue } from '../../functions/local/queue';
import type { Market } from '../../shared/domain/calendar';
import type { ThresholdChange } from '../../shared/domain/simulation';
import { AppError } from '../../shared/errors';
import { evaluationBody } from '../../shared/http/schemas';
import { useServices } from '../../shared/runtime';
import { diffCsv, runStatus, startRun, type RunRequest } from '../../shared/usecases/evaluation';
import { ingestMetrics } from '../../shared/usecases/ingest';
import type { Services } from '../../shared/usecases/services';
import { startTestDb, testClock, testServices, type TestClock, type TestDb, importRunHandlers, type RunHandlers } from '../support/harness';
import { healthyDays, type DayValues } from '../support/records';

const MONTH = '2026-12';
const PERIOD_FROM = '2026-10-26';

const FIXTURES: { shopId: string; day: DayValues; mall?: true }[] = [
  { shopId: 'th-a', day: {} },
  { shopId: 'th-b', day: { ordersPlaced: 6, ordersShipped: 6 } },
  { shopId: 'th-c', day: { ordersPlaced: 5, ordersShipped: 5, gmv: 100_000 } },
  { shopId: 'th-d', day: { shopRating: 4.4 } },
  { shopId: 'th-e', day: { violationPoints: 13 } },
  { shopId: 'th-mall', day: {}, mall: true },
];

let db: TestDb;
let worker: RunHandlers['worker'];

async function world(): Promise<{ svc: Services; queue: LocalSegmentQueue }> {
  const table = await db.table();
  const clock = testClock('2026-11-26T06:00:00Z');
  const queue = new LocalSegmentQueue(worker, { concurrency: 8 });
  const svc = testServices(db, table, { clock, queue });
  for (const f of FIXTURES) {
    await svc.shops.putProfile({
      shopId: f.shopId,
      market: 'TH' as Market,
      onboardedAt: '2024-05-01',
      certifications: f.mall ? [{ type: 'mall', since: '2025-01-01' }] : [],
    });
  }
  const ingest = await ingestMetrics(svc, FIXTURES.flatMap((f) => healthyDays(f.shopId, PERIOD_FROM, 31, f.day)));
  expect(ingest.rejected).toEqual([]);
  clock.now = new Date('2026-12-10T03:00:00Z');
  useServices(svc); // the worker handler resolves its services per message
  return { svc, queue };
}

async function finished(svc: Services, queue: LocalSegmentQueue, request: RunRequest) {
  // Runs are ordered by their start (then by id): a second on, so that a rerun is newer than the run before.
  const clock = svc.clock as TestClock;
  clock.now = new Date(clock.now.getTime() + 1000);
  const run = await startRun(svc, request);
  await queue.idle();
  const stored = await svc.runs.get(run.runId);
  expect(stored?.state).toBe('succeeded');
  return runStatus(svc, stored!);
}

const VOLUME_200: ThresholdChange = { program: 'top-choice', criterion: 'volume', metric: 'completedOrders', threshold: 200 };
const RATING_TH_45: ThresholdChange = { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5 } };

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'CRITICAL');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  db = await startTestDb();
  ({ worker } = await importRunHandlers(db));
});

afterAll(async () => {
  await db?.stop();
  vi.unstubAllEnvs();
});

describe('a month with no stored records', () => {
  it('is all before: null; a plain dry run writes no month record and its diff counts every award as gained', async () => {
    const { svc, queue } = await world();
    const status = await finished(svc, queue, { month: MONTH, markets: ['TH'], dryRun: true });
    expect(status.shops).toEqual({ evaluated: 6, awarded: 5, failed: 0 });
    expect(status.diff).toEqual({
      gained: 5,
      lost: 0,
      changed: 0,
      unchanged: 1,
      byProgram: { mall: { before: 0, after: 1 }, 'top-choice': { before: 0, after: 4 } },
      failing: { 'mall/certification': 5, 'top-choice/violation-points': 1 },
      shops: ['th-a', 'th-b', 'th-c', 'th-d', 'th-mall'].map((shopId) => ({ shopId, before: null, after: shopId === 'th-mall' ? 'mall' : 'top-choice' })),
    });
    // Merged once, when the run succeeded, and kept on it: a status read does not merge every segment again.
    expect((await svc.runs.get(status.runId))?.diff).toEqual(status.diff);
    for (const f of FIXTURES) expect(await svc.badges.getMonth(f.shopId, MONTH)).toBeNull();
  });
});

describe('simulated thresholds against the stored month', () => {
  it('an either/or criterion: `metric` picks the alternative; a shop that passes the other one keeps its badge', async () => {
    const { svc, queue } = await world();
    const real = await finished(svc, queue, { month: MONTH, markets: ['TH'] });
    expect(real.shops).toEqual({ evaluated: 6, awarded: 5, failed: 0 });
    expect(real).not.toHaveProperty('diff');

    const status = await finished(svc, queue, { month: MONTH, markets: ['TH'], dryRun: true, changes: [VOLUME_200] });
    // th-c (155 orders, 3,100,000) fails both alternatives; th-b (186 orders) passes on gmv.
    expect(status.diff).toEqual({
      gained: 0,
      lost: 1,
      changed: 0,
      unchanged: 5,
      byProgram: { mall: { before: 1, after: 1 }, 'top-choice': { before: 4, after: 3 } },
      failing: { 'mall/certification': 5, 'top-choice/violation-points': 1, 'top-choice/volume': 1 },
      shops: [{ shopId: 'th-c', before: 'top-choice', after: null }],
    });
    expect(status.shops).toEqual({ evaluated: 6, awarded: 4, failed: 0 });
    // Nothing is written but the run's own status: the stored record still shows TopChoice.
    expect((await svc.badges.getMonth('th-c', MONTH))?.badge?.program).toBe('top-choice');
    expect(await diffCsv(svc, status.runId)).toBe('shopId,market,before,after,criteria\nth-c,TH,top-choice,,top-choice/volume\n');
  });

  it('a per-market threshold, with the Mall shop never counted as failing TopChoice', async () => {
    const { svc, queue } = await world();
    await finished(svc, queue, { month: MONTH, markets: ['TH'] });
    const status = await finished(svc, queue, { month: MONTH, markets: ['TH'], dryRun: true, changes: [RATING_TH_45] });
    expect(status.diff).toEqual({
      gained: 0,
      lost: 1,
      changed: 0,
      unchanged: 5,
      byProgram: { mall: { before: 1, after: 1 }, 'top-choice': { before: 4, after: 3 } },
      failing: { 'mall/certification': 5, 'top-choice/shop-rating': 1, 'top-choice/violation-points': 1 },
      shops: [{ shopId: 'th-d', before: 'top-choice', after: null }],
    });
  });

  it('with shopIds the diff covers those shops only', async () => {
    const { svc, queue } = await world();
    await finished(svc, queue, { month: MONTH, markets: ['TH'] });
    const status = await finished(svc, queue, { month: MONTH, markets: ['TH'], dryRun: true, shopIds: ['th-c', 'th-a'], changes: [VOLUME_200, RATING_TH_45] });
    expect(status.shops.evaluated).toBe(2);
    expect(status.diff).toMatchObject({ gained: 0, lost: 1, changed: 0, unchanged: 1, shops: [{ shopId: 'th-c', before: 'top-choice', after: null }] });
  });

  it('a revocation already made stays: no badge before nor after, and a real rerun does not count it as awarded', async () => {
    const { svc, queue } = await world();
    await finished(svc, queue, { month: MONTH, markets: ['TH'] });
    await svc.badges.revoke('th-a', MONTH, { at: '2026-12-05T00:00:00.000Z', reason: 'fraud report' });
    const dry = await finished(svc, queue, { month: MONTH, markets: ['TH'], dryRun: true });
    expect(dry.diff).toMatchObject({ gained: 0, lost: 0, changed: 0, unchanged: 6, shops: [] });
    expect(dry.diff?.byProgram['top-choice']).toEqual({ before: 3, after: 3 });
    expect(dry.shops).toEqual({ evaluated: 6, awarded: 4, failed: 0 });
    const rerun = await finished(svc, queue, { month: MONTH, markets: ['TH'] });
    expect(rerun.shops).toEqual({ evaluated: 6, awarded: 4, failed: 0 });
    expect((await svc.badges.getMonth('th-a', MONTH))?.revocation?.reason).toBe('fraud report');
  });
});

describe('bad changes are a 400 naming the change, and nothing is started', () => {
  const refused = async (changes: ThresholdChange[], quoted: string) => {
    const { svc } = await world();
    const error = await startRun(svc, { month: MONTH, markets: ['TH'], dryRun: true, changes }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toContain(quoted);
    expect((await svc.runs.ofMonth(MONTH)).length).toBe(0);
  };

  it('an unknown program', () => refused([{ program: 'top-chioce', criterion: 'volume', threshold: 200 }], '"top-chioce"'));
  it('a certification-only program, which has no threshold', () => refused([{ program: 'mall', criterion: 'certification', threshold: true }], '"certification"'));
  it('an unknown criterion', () => refused([{ program: 'top-choice', criterion: 'volumes', threshold: 200 }], '"volumes"'));
  it('a metric that is not an alternative of the criterion', () =>
    refused([{ program: 'top-choice', criterion: 'volume', metric: 'shopRating', threshold: 200 }], '"shopRating"'));
  it('a market the program does not cover', () => refused([{ program: 'top-choice', criterion: 'shop-rating', threshold: { US: 4.5 } }], '"US"'));
  it('a threshold of the wrong type', () => refused([{ program: 'top-choice', criterion: 'shop-rating', threshold: 'high' }], '"high"'));

  it('changes without "dryRun": true (the request schema)', () => {
    const parsed = evaluationBody.safeParse({ month: MONTH, markets: ['TH'], changes: [VOLUME_200] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('"dryRun": true');
    expect(evaluationBody.safeParse({ month: MONTH, dryRun: true, changes: [VOLUME_200] }).success).toBe(true);
  });
});
