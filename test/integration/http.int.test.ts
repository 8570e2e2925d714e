/**
 * The HTTP contract (../shared/contract.md), route by route and error code by error code, against the
 * whole local stack: DynamoDB Local, the local gateway verifying real ES256 tokens, the deployed handlers,
 * the in-process segment queue. Driven over real HTTP with fetch, on a fixed clock (NOW): the expectations
 * hold on any day the tests run, and runs are waited for on the queue becoming idle, not by polling.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import {
  addDays,
  addMonths,
  assessmentPeriod,
  dayNumber,
  localDate,
  monthAssessedOn,
  monthContaining,
  timeZoneOf,
  validity,
  type BadgeMonth,
  type LocalDate,
  type Market,
} from '../../shared/domain/calendar';
import type { CriterionResult, ProgramResult } from '../../shared/domain/evaluate';
import type { DailyRecord } from '../../shared/domain/metrics';
import type { Eligibility, History, ProjectionView } from '../../shared/usecases/eligibility';
import type { runView } from '../../shared/usecases/evaluation';
import type { IngestResult } from '../../shared/usecases/ingest';
import type { BadgeView } from '../../shared/usecases/lookup';
import { expectErrorShape, request, type Answer, type CallOptions, type ErrorBody } from '../support/http';
import { healthyDay, type DayValues } from '../support/records';

type RunView = ReturnType<typeof runView>;
interface BadgeAnswer {
  shopId: string;
  badge: BadgeView | null;
}

let stack: LocalStack;
let op: string;

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

const call = <T = unknown>(method: string, path: string, opts?: CallOptions) => request<T>(stack.url, method, path, opts);

const get = <T = unknown>(path: string, opts?: CallOptions) => call<T>('GET', path, opts);
const post = <T = unknown>(path: string, body: unknown, opts: CallOptions = {}) => call<T>('POST', path, { token: op, body, ...opts });
const put = <T = unknown>(path: string, body: unknown, opts: CallOptions = {}) => call<T>('PUT', path, { token: op, body, ...opts });
const asOperator = <T = unknown>(path: string) => get<T>(path, { token: op });

/** The contract's one error shape, exactly (support/http), as JSON, with a string message and no stack trace. */
function expectError(answer: Answer, status: number): ErrorBody['error'] {
  const error = expectErrorShape(answer, status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof error.message).toBe('string');
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  return error;
}

function expectOk<T>(answer: Answer<T>, status = 200): T {
  expect(answer.status, answer.text).toBe(status);
  return answer.body;
}

// ---------------------------------------------------------------------------------------------
// Data: realistic daily records over real assessment periods, computed from the stack's fixed clock
// ---------------------------------------------------------------------------------------------

function dateRange(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** A good day of a healthy SEA shop (a healthy day with more volume, varying by date): ~10 orders, nothing late, every chat answered. */
function goodDay(shopId: string, date: LocalDate, over: DayValues = {}): DailyRecord {
  const n = dayNumber(date);
  const ordersPlaced = 8 + (n % 5);
  const cancelled = n % 7 === 0 ? 1 : 0;
  return healthyDay(shopId, date, {
    ordersPlaced,
    ordersCancelled: cancelled,
    ordersShipped: ordersPlaced - cancelled,
    ordersRefunded: n % 11 === 0 ? 1 : 0,
    gmv: ordersPlaced * 45_000,
    chatsReceived: 6 + (n % 4),
    chatsAnsweredWithin24h: 6 + (n % 4),
    reviews: 5,
    productRatings: 6,
    positiveProductRatings: 6,
    uniqueBuyers30d: 180,
    shopPerformanceScore: 4.7,
    violationPoints: 2,
    sellableProducts: 42,
    freeShippingShare: 0.8,
    returnWindowDays: 30,
    gmv365d: 90_000_000,
    ...over,
  });
}

/** The stack's clock: 12:00 on 10 December 2026 in Bangkok (05:00 in London). */
const NOW = new Date('2026-12-10T05:00:00Z');
/** Moved on one second before each run (startRun below), so that runs are ordered as they are started. */
let clockNow = NOW;

const today = (market: Market): LocalDate => localDate(NOW, timeZoneOf(market));

/** The shops this file sets up before the runs, and the calendar they are judged on. */
const cal = {} as {
  /** Current badge month in TH and GB (the period of the current month has ended). */
  m: BadgeMonth;
  mGb: BadgeMonth;
  onboardedAt: LocalDate;
  runM: string;
  runPrev: string;
  runGb: string;
};

async function putProfile(shopId: string, market: Market, onboardedAt: LocalDate, certifications: unknown[] = []) {
  const answer = await put(`/v1/shops/${shopId}`, { market, name: `${shopId} store`, onboardedAt, certifications });
  expectOk(answer);
}

async function ingest(records: unknown[]): Promise<IngestResult> {
  const out: IngestResult = { accepted: 0, rejected: [] };
  for (let i = 0; i < records.length; i += 1000) {
    const answer = await post<IngestResult>('/v1/metrics', { records: records.slice(i, i + 1000) });
    const body = expectOk(answer);
    out.accepted += body.accepted;
    out.rejected.push(...body.rejected);
  }
  return out;
}

/** Waits until the queue has delivered every segment (runs end with their last segment), then reads the run. */
async function waitForRun(runId: string): Promise<RunView> {
  await stack.queue.idle();
  return expectOk(await asOperator<RunView>(`/v1/evaluations/${runId}`));
}

async function startRun(body: unknown): Promise<string> {
  clockNow = new Date(clockNow.getTime() + 1000);
  const answer = await post<{ runId: string }>('/v1/evaluations', body);
  const out = expectOk(answer, 202);
  expect(Object.keys(out)).toEqual(['runId']);
  expect(typeof out.runId).toBe('string');
  return out.runId;
}

const SETUP_TH = ['th-win', 'th-miss', 'th-mall', 'th-revoke', 'th-fraud', 'th-proj', 'th-eve', 'th-mall-day1', 'th-mall-later', 'th-mall-ended'];
const SETUP_AWARDED_TH = ['th-win', 'th-mall', 'th-revoke', 'th-fraud', 'th-mall-day1', 'th-mall-later', 'th-mall-ended'];

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: false, clock: () => clockNow });
  op = stack.operatorToken;
  const now = NOW;
  cal.m = monthContaining('TH', now);
  cal.mGb = monthContaining('GB', now);
  // First month: m-2 (history shows m, m-1 and m-2, and nothing before).
  cal.onboardedAt = `${addMonths(cal.m, -3)}-15`;
  const p = assessmentPeriod(cal.m, 'TH');
  const pPrev = assessmentPeriod(addMonths(cal.m, -1), 'TH');
  const pGb = assessmentPeriod(cal.mGb, 'GB');

  for (const id of ['th-win', 'th-miss', 'th-revoke', 'th-fraud', 'th-proj']) await putProfile(id, 'TH', cal.onboardedAt);
  await putProfile('th-mall', 'TH', cal.onboardedAt, [{ type: 'mall', since: `${addMonths(cal.m, -6)}-01`, until: null }]);
  await putProfile('gb-one', 'GB', '2020-01-10');
  // The first month is the first whose 1st is later than onboardedAt.
  await putProfile('th-day1', 'TH', `${cal.m}-01`);
  await putProfile('th-eve', 'TH', addDays(`${cal.m}-01`, -1));
  // A certification counts for month m when since <= the 1st of m and until is null or after it.
  await putProfile('th-mall-day1', 'TH', cal.onboardedAt, [{ type: 'mall', since: `${cal.m}-01` }]);
  await putProfile('th-mall-later', 'TH', cal.onboardedAt, [{ type: 'mall', since: `${cal.m}-02`, until: null }]);
  await putProfile('th-mall-ended', 'TH', cal.onboardedAt, [{ type: 'mall', since: '2020-01-01', until: `${cal.m}-01` }]);

  const records: DailyRecord[] = [];
  for (const d of dateRange(pPrev.from, p.to)) records.push(goodDay('th-win', d));
  for (const d of dateRange(p.from, p.to)) {
    records.push(goodDay('th-miss', d, { lateDispatches: 1 }));
    records.push(goodDay('th-mall', d));
    records.push(goodDay('th-revoke', d));
    records.push(goodDay('th-fraud', d));
    for (const id of ['th-mall-day1', 'th-mall-later', 'th-mall-ended']) records.push(goodDay(id, d));
  }
  for (const d of dateRange(pGb.from, pGb.to)) records.push(goodDay('gb-one', d, { gmv: 2_500 * 9 }));
  // The open period so far for th-proj: too few orders, one late dispatch in three days.
  const openPeriod = assessmentPeriod(monthAssessedOn(today('TH')), 'TH');
  for (const d of dateRange(openPeriod.from, today('TH'))) {
    records.push(goodDay('th-proj', d, { ordersPlaced: 2, ordersCancelled: 0, ordersShipped: 2, ordersRefunded: 0, gmv: 90_000, lateDispatches: dayNumber(d) % 3 === 0 ? 1 : 0 }));
  }
  const out = await ingest(records);
  expect(out).toEqual({ accepted: records.length, rejected: [] });

  cal.runM = await startRun({ month: cal.m, markets: ['TH'] });
  cal.runGb = await startRun({ month: cal.mGb, markets: ['GB'] });
  cal.runPrev = await startRun({ month: addMonths(cal.m, -1), markets: ['TH'], dryRun: false });
  for (const id of [cal.runM, cal.runGb, cal.runPrev]) expect((await waitForRun(id)).state).toBe('succeeded');
  await stack.queue.idle();
});

afterAll(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------

describe('PUT /v1/shops/{shopId}', () => {
  it('answers 200 with the stored profile, and replaces it on the next PUT', async () => {
    const body = {
      market: 'TH',
      name: 'Siam Gadgets',
      onboardedAt: '2025-03-14',
      certifications: [
        { type: 'mall', since: '2025-06-01' },
        { type: 'super-top-seller', since: '2026-02-03', until: null },
      ],
    };
    const first = expectOk(await put('/v1/shops/th-put.1_A', body));
    expect(first).toEqual({ shopId: 'th-put.1_A', ...body });
    const replaced = { market: 'MY', name: 'Siam Gadgets MY', onboardedAt: '2025-04-01', certifications: [] };
    expect(expectOk(await put('/v1/shops/th-put.1_A', replaced))).toEqual({ shopId: 'th-put.1_A', ...replaced });
    const stored = await stack.services.shops.get('th-put.1_A', true);
    expect(stored?.profile).toEqual({ shopId: 'th-put.1_A', ...replaced });
    // Without certifications: none.
    const bare = expectOk(await put('/v1/shops/th-put-2', { market: 'SG', name: 'Bare', onboardedAt: '2026-01-31' }));
    expect(bare).toEqual({ shopId: 'th-put-2', market: 'SG', name: 'Bare', onboardedAt: '2026-01-31', certifications: [] });
  });

  it('takes a profile without a name, and a PUT without one removes the name stored before', async () => {
    const nameless = { market: 'TH', onboardedAt: '2026-01-05', certifications: [] };
    expect(expectOk(await put('/v1/shops/th-nameless', { ...nameless, name: 'Had a name' }))).toMatchObject({ name: 'Had a name' });
    const replaced = expectOk(await put('/v1/shops/th-nameless', nameless));
    expect(replaced).toEqual({ shopId: 'th-nameless', ...nameless });
    expect((await stack.services.shops.get('th-nameless', true))?.profile).not.toHaveProperty('name', 'Had a name');
  });

  it('accepts a shop id of exactly 64 characters of A-Za-z0-9._-', async () => {
    const id = `A.z_9-${'x'.repeat(58)}`;
    expect(id).toHaveLength(64);
    expectOk(await put(`/v1/shops/${id}`, { market: 'VN', name: 'Long id', onboardedAt: '2026-01-01' }));
  });

  const valid = { market: 'TH', name: 'Bad Input Store', onboardedAt: '2025-03-14', certifications: [] };
  it.each([
    ['an unknown market', { ...valid, market: 'XX' }, 'market'],
    ['a lower-case market', { ...valid, market: 'th' }, 'market'],
    ['an impossible date', { ...valid, onboardedAt: '2026-02-30' }, 'onboardedAt'],
    ['a month 13', { ...valid, onboardedAt: '2026-13-01' }, 'onboardedAt'],
    ['a date with a time', { ...valid, onboardedAt: '2026-01-01T00:00:00Z' }, 'onboardedAt'],
    ['an impossible certification date', { ...valid, certifications: [{ type: 'mall', since: '2025-04-31' }] }, 'certifications'],
    ['an unknown certification type', { ...valid, certifications: [{ type: 'platinum', since: '2025-04-01' }] }, 'certifications'],
    ['an unknown field', { ...valid, onboardedOn: '2025-03-14' }, 'onboardedOn'],
    ['an unknown field in a certification', { ...valid, certifications: [{ type: 'mall', since: '2025-04-01', untill: null }] }, 'untill'],
    ['a missing market', { name: 'x', onboardedAt: '2025-03-14' }, 'market'],
    ['a body that is an array', [valid], 'body'],
  ])('is a 400 for %s, and stores nothing', async (_label, body, mentioned) => {
    const error = expectError(await put('/v1/shops/th-rejected', body), 400);
    expect(JSON.stringify(error)).toContain(mentioned);
    expect(await stack.services.shops.get('th-rejected', true)).toBeNull();
  });

  it('is a 400 for a body that is not JSON, and for no body', async () => {
    expectError(await call('PUT', '/v1/shops/th-rejected', { token: op, raw: '{"market": "TH",' }), 400);
    expectError(await call('PUT', '/v1/shops/th-rejected', { token: op }), 400);
    expect(await stack.services.shops.get('th-rejected', true)).toBeNull();
  });

  it.each([
    ['a space', 'a%20b'],
    ['65 characters', 'x'.repeat(65)],
    ['an encoded slash', 'a%2Fb'],
    ['a non-ASCII letter', encodeURIComponent('shöp')],
    ['a colon', 'a%3Ab'],
    ['a percent sign', '100%25'],
  ])('is a 400 for a path shop id with %s', async (_label, id) => {
    const error = expectError(await put(`/v1/shops/${id}`, valid), 400);
    expect(JSON.stringify(error.details)).toContain('shopId');
  });
});

// ---------------------------------------------------------------------------------------------

describe('POST /v1/metrics', () => {
  it('stores the good records of a batch and reports each rejected one by index, shop and errors', async () => {
    await putProfile('th-ingest', 'TH', '2025-01-01');
    const t = today('TH');
    const d1 = addDays(t, -10);
    const d2 = addDays(t, -9);
    const batch: unknown[] = [
      goodDay('th-ingest', d1),
      goodDay('th-ingest', d2, { lateDispatches: 99 }),
      goodDay('nobody-here', d1),
      goodDay('th-ingest', addDays(t, 2)),
      { ...goodDay('th-ingest', d2), ordersShiped: 3 },
      goodDay('th-ingest', d2),
      42,
      { ...goodDay('th-ingest', addDays(t, -8)), gmv: undefined },
      goodDay('th-ingest', '2026-02-29'),
      goodDay('th-ingest', addDays(t, -7), { status: 'sleeping' as never }),
      goodDay('th-ingest', addDays(t, -6), { shopRating: 5.1 }),
      goodDay('th-ingest', addDays(t, -5), { ordersPlaced: 2 ** 53 }),
      goodDay('th-ingest', addDays(t, -4), { gmv: 10.5 }),
      goodDay('th-ingest', addDays(t, -3), { negativeReviews: 9, reviews: 2 }),
      goodDay('th-ingest', addDays(t, -2), { uniqueBuyers30d: null, shopPerformanceScore: undefined, status: null }),
    ];
    const out = expectOk(await post<IngestResult>('/v1/metrics', { records: batch }));
    expect(out.accepted).toBe(3);
    expect(out.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]);
    for (const r of out.rejected) {
      expect(Object.keys(r).sort()).toEqual(['errors', 'index', 'shopId']);
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) {
        expect(typeof e.path).toBe('string');
        expect(typeof e.message).toBe('string');
        expect(e.message.length).toBeGreaterThan(0);
      }
    }
    const byIndex = new Map(out.rejected.map((r) => [r.index, r]));
    expect(byIndex.get(1)?.shopId).toBe('th-ingest');
    expect(byIndex.get(1)?.errors.map((e) => e.path)).toContain('lateDispatches');
    expect(byIndex.get(2)?.shopId).toBe('nobody-here');
    expect(byIndex.get(3)?.errors.map((e) => e.path)).toContain('date');
    expect(JSON.stringify(byIndex.get(4)?.errors)).toContain('ordersShiped');
    expect(byIndex.get(6)?.shopId).toBeNull();
    expect(byIndex.get(7)?.errors.map((e) => e.path)).toContain('gmv');
    expect(byIndex.get(8)?.errors.map((e) => e.path)).toContain('date');
    expect(byIndex.get(11)?.errors.map((e) => e.path)).toContain('ordersPlaced');
    expect(byIndex.get(13)?.errors.map((e) => e.path)).toContain('negativeReviews');

    const stored = await stack.services.metrics.days('th-ingest', '1970-01-01', '9999-12-31');
    expect(stored.map((r) => r.date)).toEqual([d1, d2, addDays(t, -2)]);
    const unknownGauges = stored[2] as DailyRecord;
    expect(unknownGauges.uniqueBuyers30d ?? null).toBeNull();
    expect(unknownGauges.status ?? null).toBeNull();
  });

  it('replaces a day sent again for the same shop and date (a restatement never double-counts)', async () => {
    await putProfile('th-replace', 'TH', '2025-01-01');
    const d = addDays(today('TH'), -20);
    expect(expectOk(await post<IngestResult>('/v1/metrics', { records: [goodDay('th-replace', d, { ordersPlaced: 12, ordersShipped: 12, ordersCancelled: 0 })] })).accepted).toBe(1);
    const restated = goodDay('th-replace', d, { ordersPlaced: 12, ordersCancelled: 3, ordersShipped: 9, sellerFaultCancellations: 1 });
    // The same batch twice (a retried delivery) and a duplicate inside one batch.
    for (let i = 0; i < 2; i++) expect(expectOk(await post<IngestResult>('/v1/metrics', { records: [restated, restated] })).rejected).toEqual([]);
    const stored = await stack.services.metrics.days('th-replace', d, d);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ ordersCancelled: 3, ordersShipped: 9, sellerFaultCancellations: 1 });
  });

  it('accepts any score in 0-5 and share in 0-1, even below the smallest number DynamoDB stores', async () => {
    await putProfile('th-tiny', 'TH', '2025-01-01');
    const t = today('TH');
    const records = [
      goodDay('th-tiny', addDays(t, -3), { shopPerformanceScore: 5e-324, shopRating: 1e-200, freeShippingShare: Number.MIN_VALUE }),
      goodDay('th-tiny', addDays(t, -2), { shopPerformanceScore: 0, shopRating: 5, freeShippingShare: 1 }),
      goodDay('th-tiny', addDays(t, -1), { shopPerformanceScore: 4.999999999999999, shopRating: 0.1 + 0.2, freeShippingShare: 1 / 3 }),
    ];
    expect(expectOk(await post<IngestResult>('/v1/metrics', { records }))).toEqual({ accepted: 3, rejected: [] });
    const stored = await stack.services.metrics.days('th-tiny', addDays(t, -3), t);
    expect(stored).toHaveLength(3);
    expect(stored[0]?.shopPerformanceScore).toBeCloseTo(0, 100);
    expect(stored[2]).toMatchObject({ shopPerformanceScore: 4.999999999999999, shopRating: 0.1 + 0.2, freeShippingShare: 1 / 3 });
  });

  it('accepts exactly 1000 records', async () => {
    await putProfile('th-thousand', 'TH', '2020-01-01');
    const dates = dateRange(addDays(today('TH'), -999), today('TH'));
    const out = expectOk(await post<IngestResult>('/v1/metrics', { records: dates.map((d) => goodDay('th-thousand', d)) }));
    expect(out).toEqual({ accepted: 1000, rejected: [] });
  });

  describe('a malformed envelope is a 400 and stores nothing', () => {
    const records = () => [goodDay('th-env', addDays(today('TH'), -3))];
    beforeAll(async () => {
      await putProfile('th-env', 'TH', '2025-01-01');
    });
    it.each<[string, () => string | undefined]>([
      ['not JSON', () => `{"records": [${JSON.stringify(records()[0])}`],
      ['no body', () => undefined],
      ['no records field', () => JSON.stringify({ rows: records() })],
      ['records not an array', () => JSON.stringify({ records: records()[0] })],
      ['an empty records array', () => JSON.stringify({ records: [] })],
      ['more than 1000 records', () => JSON.stringify({ records: dateRange(addDays(today('TH'), -1000), today('TH')).map((d) => goodDay('th-env', d)) })],
      ['another top-level field', () => JSON.stringify({ records: records(), source: 'pipeline' })],
      ['a top-level array', () => JSON.stringify(records())],
      ['JSON null', () => 'null'],
    ])('%s', async (_label, body) => {
      const raw = body();
      const answer = await call('POST', '/v1/metrics', raw === undefined ? { token: op } : { token: op, raw });
      expectError(answer, 400);
      expect(await stack.services.metrics.days('th-env', '1970-01-01', '9999-12-31')).toEqual([]);
    });
  });

  it('is a 413 for a body over 1 MiB (size first), storing nothing', async () => {
    await putProfile('th-big', 'TH', '2025-01-01');
    const valid = JSON.stringify({ records: dateRange(addDays(today('TH'), -99), today('TH')).map((d) => goodDay('th-big', d)) });
    const body = valid + ' '.repeat(1024 * 1024 + 1 - Buffer.byteLength(valid));
    expect(Buffer.byteLength(body)).toBe(1024 * 1024 + 1);
    expectError(await call('POST', '/v1/metrics', { token: op, raw: body }), 413);
    // Over 1 MiB and not even JSON: still 413 (size is checked first).
    expectError(await call('POST', '/v1/metrics', { token: op, raw: `{${'x'.repeat(1024 * 1024 + 10)}` }), 413);
    // Far over (what the gateway itself refuses): 413, and the connection stays usable.
    expectError(await call('POST', '/v1/metrics', { token: op, raw: 'x'.repeat(7 * 1024 * 1024) }), 413);
    expect(await stack.services.metrics.days('th-big', '1970-01-01', '9999-12-31')).toEqual([]);
    for (let i = 0; i < 5; i++) expect((await get('/v1/shops/th-big/badge')).status).toBe(200);
    // Exactly 1 MiB is accepted.
    const atLimit = valid + ' '.repeat(1024 * 1024 - Buffer.byteLength(valid));
    expect(expectOk(await call<IngestResult>('POST', '/v1/metrics', { token: op, raw: atLimit })).accepted).toBe(100);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GET /v1/shops/{shopId}/badge', () => {
  it('is null for an unknown shop, with caching and CORS headers', async () => {
    const answer = await get<BadgeAnswer>('/v1/shops/never-heard-of/badge');
    expect(expectOk(answer)).toEqual({ shopId: 'never-heard-of', badge: null });
    expect(answer.headers.get('etag')).toMatch(/^(W\/)?".+"$/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('shows the TopChoice badge of the current month, valid for the market-local month', async () => {
    const answer = await get<BadgeAnswer>('/v1/shops/th-win/badge');
    const { validFrom, validUntil } = validity(cal.m, 'TH');
    expect(expectOk(answer)).toEqual({
      shopId: 'th-win',
      badge: { program: 'top-choice', label: 'TopChoice', month: cal.m, validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString(), stale: false },
    });
    expect(validFrom.toISOString()).toMatch(/T17:00:00\.000Z$/); // 00:00 in Bangkok
  });

  it('shows Mall for a Mall shop', async () => {
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-mall/badge')).badge).toMatchObject({ program: 'mall', label: 'Mall', month: cal.m, stale: false });
  });

  it('is null for a shop that did not qualify, and for a GB shop', async () => {
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-miss/badge')).badge).toBeNull();
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/gb-one/badge')).badge).toBeNull();
  });

  it('caches for at most 300 s and never past the next month boundary', async () => {
    const before = clockNow.getTime();
    const answer = await get('/v1/shops/th-win/badge');
    const match = /^public, max-age=(\d+)$/.exec(answer.headers.get('cache-control') ?? '');
    expect(match).not.toBeNull();
    const maxAge = Number(match?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    expect(before + maxAge * 1000).toBeLessThanOrEqual(validity(cal.m, 'TH').validUntil.getTime() + 1000);
  });

  it('answers 304 without a body when If-None-Match matches the ETag', async () => {
    const first = await get('/v1/shops/th-win/badge');
    const etag = first.headers.get('etag') as string;
    expect(etag).toBeTruthy();
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await get('/v1/shops/th-win/badge', { headers: { 'if-none-match': tag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      expect(again.headers.get('access-control-allow-origin')).toBe('*');
    }
    const other = await get('/v1/shops/th-win/badge', { headers: { 'if-none-match': '"not-the-etag"' } });
    expect(other.status).toBe(200);
    // A different answer has a different ETag.
    const mall = await get('/v1/shops/th-mall/badge', { headers: { 'if-none-match': etag } });
    expect(mall.status).toBe(200);
    expect(mall.headers.get('etag')).not.toBe(etag);
  });

  it('shows the badge of the month containing a past instant', async () => {
    const prev = addMonths(cal.m, -1);
    const at = new Date(validity(prev, 'TH').validFrom.getTime() + 36 * 3_600_000).toISOString();
    const body = expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${encodeURIComponent(at)}`));
    expect(body.badge).toMatchObject({ program: 'top-choice', month: prev, stale: false });
    // 00:00 Bangkok on the 1st of m, written with an offset: the month m already.
    const start = `${cal.m}-01T00:00:00+07:00`;
    expect(expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${encodeURIComponent(start)}`)).badge?.month).toBe(cal.m);
    // One second earlier it is still m-1.
    const justBefore = `${addDays(`${cal.m}-01`, -1)}T23:59:59+07:00`;
    expect(expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${encodeURIComponent(justBefore)}`)).badge?.month).toBe(prev);
    // Month m-2 has no record and m-3 no badge: nothing.
    const older = new Date(validity(addMonths(cal.m, -2), 'TH').validFrom.getTime() + 10 * 86_400_000).toISOString();
    expect(expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${older}`)).badge).toBeNull();
  });

  it('shows last month stale for up to 72 hours into a month without a record, then nothing', async () => {
    const end = validity(cal.m, 'TH').validUntil.getTime();
    const stale = expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${new Date(end + 3_600_000).toISOString()}`));
    expect(stale.badge).toMatchObject({ program: 'top-choice', month: cal.m, stale: true });
    const late = expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${new Date(end + 73 * 3_600_000).toISOString()}`));
    expect(late.badge).toBeNull();
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-win/badge?at=2099-06-01T00:00:00Z')).badge).toBeNull();
  });

  it('answers instants at the far ends of the calendar without failing', async () => {
    for (const at of ['0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59-12:00']) {
      expect(expectOk(await get<BadgeAnswer>(`/v1/shops/th-win/badge?at=${encodeURIComponent(at)}`)).badge).toBeNull();
    }
  });

  it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-11-01T25:00:00Z', '1700000000', '', '2026-11-01T00:00:00'])('is a 400 for at=%j', async (at) => {
    const error = expectError(await get(`/v1/shops/th-win/badge?at=${encodeURIComponent(at)}`), 400);
    expect(JSON.stringify(error.details)).toContain('at');
  });

  it.each([
    ['a space', 'a%20b'],
    ['65 characters', 'y'.repeat(65)],
    ['an encoded slash', 'th-win%2Fx'],
  ])('is a 400 for a shop id with %s', async (_label, id) => {
    expectError(await get(`/v1/shops/${id}/badge`), 400);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GET /v1/badges', () => {
  it('answers each id once with the badge of the single lookup, or null', async () => {
    const answer = await get<{ badges: Record<string, BadgeView | null> }>('/v1/badges?shopIds=th-win,th-mall,nobody-here,th-win,gb-one');
    const body = expectOk(answer);
    expect(Object.keys(body)).toEqual(['badges']);
    expect(Object.keys(body.badges).sort()).toEqual(['gb-one', 'nobody-here', 'th-mall', 'th-win']);
    for (const id of ['th-win', 'th-mall', 'nobody-here', 'gb-one']) {
      expect(body.badges[id]).toEqual(expectOk(await get<BadgeAnswer>(`/v1/shops/${id}/badge`)).badge);
    }
    expect(body.badges['th-win']?.program).toBe('top-choice');
    expect(body.badges['nobody-here']).toBeNull();
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=([0-9]|[1-9][0-9]|[12][0-9]{2}|300)$/);
    const etag = answer.headers.get('etag') as string;
    const again = await get('/v1/badges?shopIds=th-win,th-mall,nobody-here,th-win,gb-one', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('takes at like the single lookup', async () => {
    const prev = addMonths(cal.m, -1);
    const at = new Date(validity(prev, 'TH').validFrom.getTime() + 86_400_000).toISOString();
    const body = expectOk(await get<{ badges: Record<string, BadgeView | null> }>(`/v1/badges?shopIds=th-win,th-mall&at=${at}`));
    expect(body.badges['th-win']).toMatchObject({ month: prev, stale: false });
    expectError(await get(`/v1/badges?shopIds=th-win&at=not-a-time`), 400);
  });

  it('answers 1 and 100 ids, and a 400 for 101', async () => {
    expect(Object.keys(expectOk(await get<{ badges: object }>('/v1/badges?shopIds=th-win')).badges)).toEqual(['th-win']);
    const hundred = Array.from({ length: 100 }, (_, i) => `shop-${i}`);
    expect(Object.keys(expectOk(await get<{ badges: object }>(`/v1/badges?shopIds=${hundred.join(',')}`)).badges)).toHaveLength(100);
    expectError(await get(`/v1/badges?shopIds=${[...hundred, 'shop-100'].join(',')}`), 400);
  });

  it('is a 400 naming the offending id for an empty or malformed id', async () => {
    const empty = expectError(await get('/v1/badges?shopIds=a,,b'), 400);
    expect(empty.details.some((d) => d.shopId === '')).toBe(true);
    const spaced = expectError(await get(`/v1/badges?shopIds=${encodeURIComponent('th-win,bad id,ok')}`), 400);
    expect(spaced.details.some((d) => d.shopId === 'bad id')).toBe(true);
    expect(spaced.details.some((d) => d.shopId === 'ok' || d.shopId === 'th-win')).toBe(false);
    const long = expectError(await get(`/v1/badges?shopIds=${'z'.repeat(65)}`), 400);
    expect(long.details.some((d) => d.shopId === 'z'.repeat(65))).toBe(true);
    expectError(await get('/v1/badges?shopIds=a,'), 400);
  });

  it('is a 400 without ids', async () => {
    expectError(await get('/v1/badges'), 400);
    expectError(await get('/v1/badges?shopIds='), 400);
  });
});

// ---------------------------------------------------------------------------------------------

function program(e: { programs: ProgramResult[] }, id: string): ProgramResult {
  const p = e.programs.find((x) => x.program === id);
  expect(p, `program ${id} listed`).toBeDefined();
  return p as ProgramResult;
}

function criterion(p: ProgramResult, id: string): CriterionResult {
  const c = p.criteria.find((x) => x.id === id);
  expect(c, `criterion ${id} of ${p.program}`).toBeDefined();
  return c as CriterionResult;
}

describe('GET /v1/shops/{shopId}/eligibility', () => {
  it("is the caller's alone: no browser or shared cache keeps it", async () => {
    const answer = await asOperator('/v1/shops/th-win/eligibility');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
  });

  it('is pending, with no programs, for a month without an evaluation', async () => {
    const e = expectOk(await asOperator<Eligibility>(`/v1/shops/th-win/eligibility?month=${addMonths(cal.m, -2)}`));
    expect(e).toMatchObject({ shopId: 'th-win', market: 'TH', month: addMonths(cal.m, -2), status: 'pending', badge: null, programs: [], revocation: null });
    await putProfile('th-late', 'TH', cal.onboardedAt);
    const late = expectOk(await asOperator<Eligibility>('/v1/shops/th-late/eligibility'));
    expect(late).toMatchObject({ month: cal.m, status: 'pending', badge: null, programs: [] });
  });

  it('shows an awarded month criterion by criterion (default: the current month)', async () => {
    const e = expectOk(await asOperator<Eligibility>('/v1/shops/th-win/eligibility'));
    const p = assessmentPeriod(cal.m, 'TH');
    expect(e).toMatchObject({
      shopId: 'th-win',
      market: 'TH',
      month: cal.m,
      period: { from: p.from, to: p.to, timeZone: 'Asia/Bangkok' },
      status: 'awarded',
      revocation: null,
      runId: cal.runM,
    });
    expect(e.badge).toMatchObject({ program: 'top-choice', label: 'TopChoice', month: cal.m });
    expect(Number.isNaN(Date.parse(e.evaluatedAt as string))).toBe(false);
    expect(e.programs.map((x) => x.program).sort()).toEqual(['mall', 'top-choice']);

    const tc = program(e, 'top-choice');
    expect(tc).toMatchObject({ label: 'TopChoice', version: '2024-09-27', eligible: true, excludedBy: null });
    for (const c of tc.criteria) {
      expect(c.passed).toBe(true);
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'label', 'metric', 'op', 'threshold', 'actual', 'passed']));
    }
    const volume = criterion(tc, 'volume');
    expect(volume.anyOf).toHaveLength(2);
    const [orders, gmv] = volume.anyOf ?? [];
    expect(orders).toMatchObject({ metric: 'completedOrders', op: '>=', threshold: 150, passed: true });
    expect(gmv).toMatchObject({ metric: 'gmv', op: '>=', threshold: 3_500_000, passed: true });
    expect({ metric: volume.metric, op: volume.op, threshold: volume.threshold, actual: volume.actual }).toEqual({
      metric: orders?.metric,
      op: orders?.op,
      threshold: orders?.threshold,
      actual: orders?.actual,
    });
    // The actual values are the period's: completed orders = placed - cancelled - returned - refunded.
    const days = dateRange(p.from, p.to).map((d) => goodDay('th-win', d));
    const completed = days.reduce((s, r) => s + r.ordersPlaced - r.ordersCancelled - r.ordersReturned - r.ordersRefunded, 0);
    expect(orders?.actual).toBe(completed);
    expect(gmv?.actual).toBe(days.reduce((s, r) => s + r.gmv, 0));
    expect(criterion(tc, 'late-dispatch-rate')).toMatchObject({ metric: 'lateDispatchRate', op: '<', threshold: 0.03, actual: 0, passed: true });

    // Mall is listed too, not eligible, with its certification criterion.
    const mall = program(e, 'mall');
    expect(mall).toMatchObject({ eligible: false, excludedBy: null });
    expect(criterion(mall, 'certification')).toMatchObject({ metric: 'certification', op: 'held', threshold: 'mall', actual: false, passed: false });
  });

  it('shows a not-eligible month with the failing criterion', async () => {
    const e = expectOk(await asOperator<Eligibility>(`/v1/shops/th-miss/eligibility?month=${cal.m}`));
    expect(e).toMatchObject({ status: 'not-eligible', badge: null, revocation: null, runId: cal.runM });
    const tc = program(e, 'top-choice');
    expect(tc.eligible).toBe(false);
    const late = criterion(tc, 'late-dispatch-rate');
    expect(late.passed).toBe(false);
    expect(late.actual).toBeGreaterThan(0.03);
    expect(tc.criteria.filter((c) => !c.passed).map((c) => c.id)).toEqual(['late-dispatch-rate']);
  });

  it('shows a Mall shop excluded from TopChoice with no criteria', async () => {
    const e = expectOk(await asOperator<Eligibility>('/v1/shops/th-mall/eligibility'));
    expect(e.status).toBe('awarded');
    expect(e.badge).toMatchObject({ program: 'mall', label: 'Mall' });
    expect(program(e, 'top-choice')).toMatchObject({ eligible: false, excludedBy: 'mall', criteria: [] });
    expect(program(e, 'mall')).toMatchObject({ eligible: true, excludedBy: null });
    expect(criterion(program(e, 'mall'), 'certification')).toMatchObject({ actual: true, passed: true, threshold: 'mall' });
  });

  it('counts a certification held on the 1st of the month, and not one granted later or ended by then', async () => {
    const day1 = expectOk(await asOperator<Eligibility>('/v1/shops/th-mall-day1/eligibility'));
    expect(day1.badge?.program).toBe('mall');
    expect(program(day1, 'top-choice')).toMatchObject({ excludedBy: 'mall', criteria: [] });
    for (const id of ['th-mall-later', 'th-mall-ended']) {
      const e = expectOk(await asOperator<Eligibility>(`/v1/shops/${id}/eligibility`));
      expect(e.badge?.program, id).toBe('top-choice');
      expect(program(e, 'mall').eligible).toBe(false);
      expect(program(e, 'top-choice')).toMatchObject({ eligible: true, excludedBy: null });
    }
  });

  it('evaluates a shop from the first month whose 1st is later than onboardedAt', async () => {
    expect(expectOk(await asOperator<Eligibility>('/v1/shops/th-day1/eligibility')).status).toBe('pending');
    expect(expectOk(await asOperator<History>('/v1/shops/th-day1/history')).months).toEqual([]);
    expect(expectOk(await asOperator<Eligibility>('/v1/shops/th-eve/eligibility')).status).toBe('not-eligible');
    expect(expectOk(await asOperator<History>('/v1/shops/th-eve/history')).months.map((x) => x.month)).toEqual([cal.m]);
  });

  it('shows a GB shop not-eligible with no programs', async () => {
    const e = expectOk(await asOperator<Eligibility>('/v1/shops/gb-one/eligibility'));
    expect(e).toMatchObject({ shopId: 'gb-one', market: 'GB', month: cal.mGb, status: 'not-eligible', badge: null, programs: [], runId: cal.runGb });
    expect(e.period.timeZone).toBe('Europe/London');
  });

  it('shows last month from its own run', async () => {
    const e = expectOk(await asOperator<Eligibility>(`/v1/shops/th-win/eligibility?month=${addMonths(cal.m, -1)}`));
    expect(e).toMatchObject({ status: 'awarded', runId: cal.runPrev, month: addMonths(cal.m, -1) });
  });

  it('is a 404 for an unknown shop', async () => {
    expectError(await asOperator('/v1/shops/nobody-here/eligibility'), 404);
  });

  it.each(['2026-13', '2026-1', 'abc', '2026-11-01', '', '0000-01'])('is a 400 for month=%j', async (month) => {
    const error = expectError(await asOperator(`/v1/shops/th-win/eligibility?month=${month}`), 400);
    expect(JSON.stringify(error.details)).toContain('month');
  });

  it('is a 400 for a malformed shop id', async () => {
    expectError(await asOperator('/v1/shops/a%20b/eligibility'), 400);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GET /v1/shops/{shopId}/history', () => {
  it('lists the current month and those before it, newest first, never before the first month', async () => {
    const h = expectOk(await asOperator<History>('/v1/shops/th-win/history'));
    expect(h.shopId).toBe('th-win');
    expect(h.months.map((m) => m.month)).toEqual([cal.m, addMonths(cal.m, -1), addMonths(cal.m, -2)]);
    expect(h.months.map((m) => m.status)).toEqual(['awarded', 'awarded', 'pending']);
    expect(h.months[0]?.badge).toMatchObject({ program: 'top-choice', month: cal.m });
    expect(h.months[1]?.badge).toMatchObject({ program: 'top-choice', month: addMonths(cal.m, -1) });
    expect(h.months[2]?.badge).toBeNull();
    expect(expectOk(await asOperator<History>('/v1/shops/th-win/history?limit=1')).months.map((m) => m.month)).toEqual([cal.m]);
    expect(expectOk(await asOperator<History>('/v1/shops/th-win/history?limit=36')).months).toHaveLength(3);
  });

  it('defaults to 12 months and goes up to 36', async () => {
    const h = expectOk(await asOperator<History>('/v1/shops/gb-one/history'));
    expect(h.months.map((m) => m.month)).toEqual(Array.from({ length: 12 }, (_, i) => addMonths(cal.mGb, -i)));
    expect(h.months[0]?.status).toBe('not-eligible');
    expect(h.months.slice(1).every((m) => m.status === 'pending' && m.badge === null)).toBe(true);
    const long = expectOk(await asOperator<History>('/v1/shops/gb-one/history?limit=36'));
    expect(long.months).toHaveLength(36);
    expect(long.months[35]?.month).toBe(addMonths(cal.mGb, -35));
  });

  it('is empty for a shop whose first month is still ahead', async () => {
    await putProfile('th-newcomer', 'TH', today('TH'));
    expect(expectOk(await asOperator<History>('/v1/shops/th-newcomer/history')).months).toEqual([]);
  });

  it.each(['0', '37', 'abc', '-1', '1.5', '', '100'])('is a 400 for limit=%j', async (limit) => {
    const error = expectError(await asOperator(`/v1/shops/th-win/history?limit=${limit}`), 400);
    expect(JSON.stringify(error.details)).toContain('limit');
  });

  it('is a 404 for an unknown shop', async () => {
    expectError(await asOperator('/v1/shops/nobody-here/history'), 404);
  });
});

// ---------------------------------------------------------------------------------------------

describe('GET /v1/shops/{shopId}/projection', () => {
  it('evaluates the open period on the days so far, with a gap on each failing criterion', async () => {
    const t = today('TH');
    // Today's record (again): the open period may have moved on since beforeAll if Bangkok passed midnight.
    const todays = goodDay('th-proj', t, { ordersPlaced: 2, ordersCancelled: 0, ordersShipped: 2, ordersRefunded: 0, gmv: 90_000, lateDispatches: 1 });
    expect(expectOk(await post<IngestResult>('/v1/metrics', { records: [todays] })).accepted).toBe(1);
    const pr = expectOk(await asOperator<ProjectionView>('/v1/shops/th-proj/projection'));
    const month = monthAssessedOn(t);
    const period = assessmentPeriod(month, 'TH');
    expect(pr).toMatchObject({
      shopId: 'th-proj',
      market: 'TH',
      month,
      period: { from: period.from, to: period.to, timeZone: 'Asia/Bangkok' },
      status: 'not-eligible',
      badge: null,
      asOf: t,
      daysLeft: dayNumber(period.to) - dayNumber(t),
    });
    const tc = program(pr, 'top-choice');
    const failing = tc.criteria.filter((c) => !c.passed);
    expect(failing.map((c) => c.id)).toContain('volume');
    for (const c of tc.criteria) {
      if (c.passed) expect(c.gap ?? null).toBeNull();
      else if (typeof c.threshold === 'number' && typeof c.actual === 'number') {
        expect(typeof c.gap).toBe('number');
        expect(c.gap as number).toBeGreaterThan(0);
      }
    }
    const volume = criterion(tc, 'volume');
    type Alternative = NonNullable<CriterionResult['anyOf']>[number] & { gap?: number | null };
    const orders = volume.anyOf?.[0] as Alternative | undefined;
    const gmv = volume.anyOf?.[1] as Alternative | undefined;
    expect(volume.gap).toBe(150 - (orders?.actual as number));
    expect(orders?.gap).toBe(volume.gap);
    expect(gmv?.gap).toBe(3_500_000 - (gmv?.actual as number));
    const late = criterion(tc, 'late-dispatch-rate');
    if (!late.passed) expect(late.gap as number).toBeCloseTo((late.actual as number) - 0.03 || 0.0001, 6);
  });

  it('has no asOf for a shop with no data in the open period', async () => {
    const pr = expectOk(await asOperator<ProjectionView>('/v1/shops/th-win/projection'));
    expect(pr.asOf).toBeNull();
    expect(pr.status).toBe('not-eligible');
    expect(pr.daysLeft).toBeGreaterThanOrEqual(0);
  });

  it('is a 404 for an unknown shop', async () => {
    expectError(await asOperator('/v1/shops/nobody-here/projection'), 404);
  });
});

// ---------------------------------------------------------------------------------------------

describe('evaluation runs', () => {
  it('GET /v1/evaluations/{runId} shows the run with its counts', async () => {
    const run = expectOk(await asOperator<RunView>(`/v1/evaluations/${cal.runM}`));
    // The contract's fields, and the segments progress the CLI shows.
    expect(Object.keys(run).sort()).toEqual(['dryRun', 'failures', 'finishedAt', 'markets', 'month', 'runId', 'segments', 'shops', 'startedAt', 'state', 'trigger']);
    expect(run).toMatchObject({ runId: cal.runM, month: cal.m, markets: ['TH'], dryRun: false, trigger: 'operator', state: 'succeeded', failures: [] });
    expect(run.shops).toEqual({ evaluated: SETUP_TH.length, awarded: SETUP_AWARDED_TH.length, failed: 0 });
    expect(Date.parse(run.startedAt)).toBeLessThanOrEqual(Date.parse(run.finishedAt as string));
    const gb = expectOk(await asOperator<RunView>(`/v1/evaluations/${cal.runGb}`));
    expect(gb).toMatchObject({ markets: ['GB'], shops: { evaluated: 1, awarded: 0, failed: 0 }, state: 'succeeded' });
  });

  it('GET /v1/evaluations?month= lists the month\'s runs newest first, by market when asked', async () => {
    const { runs } = expectOk(await asOperator<{ runs: RunView[] }>(`/v1/evaluations?month=${cal.m}`));
    expect(runs.map((r) => r.runId)).toEqual(expect.arrayContaining([cal.runM]));
    expect(runs.map((r) => r.startedAt)).toEqual([...runs.map((r) => r.startedAt)].sort().reverse());
    expect(runs.every((r) => r.month === cal.m && Array.isArray(r.failures) && ['schedule', 'catch-up', 'operator'].includes(r.trigger))).toBe(true);
    const gb = expectOk(await asOperator<{ runs: RunView[] }>(`/v1/evaluations?month=${cal.mGb}&market=GB`)).runs;
    expect(gb.map((r) => r.runId)).toContain(cal.runGb);
    expect(gb.every((r) => r.markets.includes('GB'))).toBe(true);
    expect(expectOk(await asOperator<{ runs: RunView[] }>('/v1/evaluations?month=2001-01'))).toEqual({ runs: [] });
    for (const query of ['', '?market=TH', '?month=2026-13', '?month=2026-11&market=XX', '?month=2026-11&extra=1']) {
      expectError(await asOperator(`/v1/evaluations${query}`), 400);
    }
  });

  it('POST /v1/evaluations with shopIds evaluates just those shops (duplicates once)', async () => {
    const runId = await startRun({ month: cal.m, markets: ['TH'], shopIds: ['th-win', 'th-miss', 'th-win'], dryRun: true });
    const run = await waitForRun(runId);
    expect(run).toMatchObject({ state: 'succeeded', shops: { evaluated: 2, awarded: 1, failed: 0 }, failures: [] });
    const unknown = expectError(await post('/v1/evaluations', { month: cal.m, markets: ['TH'], shopIds: ['th-win', 'th-nobody'] }), 400);
    expect(unknown.message).toContain('th-nobody');
    // A shop of another market than the ones asked for has no profile "in those markets".
    expect(expectError(await post('/v1/evaluations', { month: cal.mGb, markets: ['GB'], shopIds: ['th-win'] }), 400).message).toContain('th-win');
    expectError(await post('/v1/evaluations', { month: cal.m, shopIds: [] }), 400);
    expectError(await post('/v1/evaluations', { month: cal.m, shopIds: Array.from({ length: 1001 }, (_, i) => `th-${i}`) }), 400);
    expectError(await post('/v1/evaluations', { month: cal.m, shopIds: ['bad id!'] }), 400);
  });

  it('a dry run evaluates and counts but writes no month record', async () => {
    const month = addMonths(cal.m, -2);
    const runId = await startRun({ month, markets: ['TH'], dryRun: true });
    const run = await waitForRun(runId);
    expect(run).toMatchObject({ runId, month, markets: ['TH'], dryRun: true, state: 'succeeded' });
    // Every setup shop but th-eve (first month m) is due for m-2, and so are the shops other tests added.
    expect(run.shops.evaluated).toBeGreaterThanOrEqual(SETUP_TH.length - 1);
    expect(run.shops.failed).toBe(0);
    expect(expectOk(await asOperator<Eligibility>(`/v1/shops/th-win/eligibility?month=${month}`)).status).toBe('pending');
  });

  it('running a month again gives the same records, differing only in evaluatedAt and runId', async () => {
    const before = expectOk(await asOperator<Eligibility>(`/v1/shops/th-miss/eligibility?month=${cal.m}`));
    const runId = await startRun({ month: cal.m, markets: ['TH'] });
    expect((await waitForRun(runId)).state).toBe('succeeded');
    const after = expectOk(await asOperator<Eligibility>(`/v1/shops/th-miss/eligibility?month=${cal.m}`));
    expect(after.runId).toBe(runId);
    const strip = (e: Eligibility) => ({ ...e, runId: null, evaluatedAt: null });
    expect(strip(after)).toEqual(strip(before));
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-win/badge')).badge?.program).toBe('top-choice');
  });

  it('is a 409 for a month whose assessment period has not ended', async () => {
    const error = expectError(await post('/v1/evaluations', { month: addMonths(cal.m, 2) }), 409);
    expect(error.message).toContain(addMonths(cal.m, 2));
    expectError(await post('/v1/evaluations', { month: addMonths(cal.m, 2), markets: ['GB'] }), 409);
  });

  it.each<[string, unknown]>([
    ['a missing month', { markets: ['TH'] }],
    ['an impossible month', { month: '2026-13' }],
    ['a date for a month', { month: '2026-11-01' }],
    ['an unknown market', { month: '2026-01', markets: ['XX'] }],
    ['markets not an array', { month: '2026-01', markets: 'TH' }],
    ['an empty market list', { month: '2026-01', markets: [] }],
    ['dryRun not a boolean', { month: '2026-01', dryRun: 'yes' }],
    ['an unknown field', { month: '2026-01', dry_run: true }],
    ['an array body', [{ month: '2026-01' }]],
  ])('is a 400 for %s', async (_label, body) => {
    expectError(await post('/v1/evaluations', body), 400);
  });

  it('is a 400 for a body that is not JSON', async () => {
    expectError(await call('POST', '/v1/evaluations', { token: op, raw: 'month=2026-01' }), 400);
  });

  it.each([randomUUID(), 'nope', 'nope_1', 'run.with.dots', 'x'.repeat(300)])('is a 404 for an unknown run %s', async (runId) => {
    expectError(await asOperator(`/v1/evaluations/${encodeURIComponent(runId)}`), 404);
  });
});

// ---------------------------------------------------------------------------------------------

describe('POST /v1/shops/{shopId}/revocations', () => {
  it('revokes the badge held now: 200 with the revoked eligibility, then no badge anywhere', async () => {
    const reason = 'Counterfeit listings confirmed by Trust & Safety (case 4411)';
    const e = expectOk(await post<Eligibility>('/v1/shops/th-revoke/revocations', { reason }));
    expect(e).toMatchObject({ shopId: 'th-revoke', market: 'TH', month: cal.m, status: 'revoked', badge: null });
    expect(e.revocation?.reason).toBe(reason);
    expect(Object.keys(e.revocation ?? {}).sort()).toEqual(['at', 'reason']);
    expect(e.revocation?.at).toBe(clockNow.toISOString()); // the stack's clock
    expect(program(e, 'top-choice').eligible).toBe(true);

    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-revoke/badge')).badge).toBeNull();
    expect(expectOk(await get<{ badges: Record<string, unknown> }>('/v1/badges?shopIds=th-revoke,th-win')).badges['th-revoke']).toBeNull();
    // Stale grace never brings it back.
    const end = validity(cal.m, 'TH').validUntil.getTime();
    expect(expectOk(await get<BadgeAnswer>(`/v1/shops/th-revoke/badge?at=${new Date(end + 3_600_000).toISOString()}`)).badge).toBeNull();
    expect(expectOk(await asOperator<Eligibility>('/v1/shops/th-revoke/eligibility'))).toMatchObject({ status: 'revoked', revocation: { reason } });
    expect(expectOk(await asOperator<History>('/v1/shops/th-revoke/history')).months[0]).toEqual({ month: cal.m, status: 'revoked', badge: null });

    // Nothing is held any more: 409; a rerun of the month keeps the revocation.
    expectError(await post('/v1/shops/th-revoke/revocations', { reason: 'again' }), 409);
    const rerun = await startRun({ month: cal.m, markets: ['TH'] });
    expect((await waitForRun(rerun)).state).toBe('succeeded');
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-revoke/badge')).badge).toBeNull();
    expect(expectOk(await asOperator<Eligibility>('/v1/shops/th-revoke/eligibility')).revocation?.reason).toBe(reason);
  });

  it('is a 409 for a shop that holds no badge', async () => {
    expectError(await post('/v1/shops/th-miss/revocations', { reason: 'test' }), 409);
    expectError(await post('/v1/shops/gb-one/revocations', { reason: 'test' }), 409);
  });

  it('is a 404 for an unknown shop', async () => {
    expectError(await post('/v1/shops/nobody-here/revocations', { reason: 'test' }), 404);
  });

  it.each<[string, unknown]>([
    ['no reason', {}],
    ['an empty reason', { reason: '   ' }],
    ['a reason that is not text', { reason: 42 }],
    ['an unknown field', { reason: 'x', severity: 'high' }],
  ])('is a 400 for %s, and revokes nothing', async (_label, body) => {
    expectError(await post('/v1/shops/th-win/revocations', body), 400);
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-win/badge')).badge?.program).toBe('top-choice');
  });

  it('a record with a fraud violation revokes the held badge at once', async () => {
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-fraud/badge')).badge?.program).toBe('top-choice');
    const out = expectOk(await post<IngestResult>('/v1/metrics', { records: [goodDay('th-fraud', today('TH'), { fraudViolations: 1 })] }));
    expect(out).toEqual({ accepted: 1, rejected: [] });
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-fraud/badge')).badge).toBeNull();
    const e = expectOk(await asOperator<Eligibility>('/v1/shops/th-fraud/eligibility'));
    expect(e.status).toBe('revoked');
    expect(e.revocation?.reason).toMatch(/fraud/i);
    expect(Number.isNaN(Date.parse(e.revocation?.at as string))).toBe(false);
    expectError(await post('/v1/shops/th-fraud/revocations', { reason: 'again' }), 409);
  });

  it('a fraud record dated before the period that awarded the badge revokes nothing', async () => {
    const before = addDays(assessmentPeriod(cal.m, 'TH').from, -1);
    const out = expectOk(await post<IngestResult>('/v1/metrics', { records: [goodDay('th-win', before, { fraudViolations: 1 })] }));
    expect(out.accepted).toBe(1);
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-win/badge')).badge?.program).toBe('top-choice');
  });

  it('a Mall badge is not revoked by a fraud record (Mall has no revocation conditions)', async () => {
    expect(expectOk(await post<IngestResult>('/v1/metrics', { records: [goodDay('th-mall', today('TH'), { fraudViolations: 1, status: 'suspended' })] })).accepted).toBe(1);
    expect(expectOk(await get<BadgeAnswer>('/v1/shops/th-mall/badge')).badge?.program).toBe('mall');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the rest of the surface', () => {
  it('GET /openapi.json lists every route of the contract', async () => {
    const doc = expectOk(await get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/openapi.json'));
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      expect.arrayContaining([
        'GET /v1/shops/{shopId}/badge',
        'GET /v1/badges',
        'GET /health',
        'GET /v1/shops/{shopId}/signals',
        'GET /embed/badge.js',
        'GET /seller/',
        'PUT /v1/shops/{shopId}',
        'POST /v1/metrics',
        'GET /v1/shops/{shopId}/eligibility',
        'GET /v1/shops/{shopId}/history',
        'GET /v1/shops/{shopId}/projection',
        'POST /v1/evaluations',
        'GET /v1/evaluations',
        'GET /v1/evaluations/{runId}',
        'GET /v1/evaluations/{runId}/diff.csv',
        'POST /v1/shops/{shopId}/revocations',
      ]),
    );
  });

  it('GET /health is 200', async () => {
    expect((await get('/health')).status).toBe(200);
  });

  it.each<[string, string]>([
    ['GET', '/v1/nothing-here'],
    ['GET', '/'],
    ['GET', '/v1/shops/th-win'],
    ['DELETE', '/v1/shops/th-win'],
    ['PATCH', '/v1/shops/th-win/badge'],
    ['GET', '/v1/shops/th-win/badge/extra'],
    ['POST', '/v1/badges'],
  ])('%s %s is a 404 in the error shape', async (method, path) => {
    expectError(await call(method, path, { token: op }), 404);
  });
});
