/**
 * Property-based fuzzing of the HTTP surface (fast-check) against the local stack over real HTTP: random
 * bodies, records, path ids and query strings never get a 5xx, every 4xx is the contract's error shape,
 * the answers follow the contract where it is precise, and rejected input changes no stored data.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { addDays, addMonths, assessmentPeriod, localDate, monthContaining, timeZoneOf, type LocalDate } from '../../shared/domain/calendar';
import { COUNTERS, GAUGES, PEAKS, SHOP_STATUSES, type DailyRecord, type Gauge, type Peak } from '../../shared/domain/metrics';
import { CODE_OF_STATUS, request, type Answer, type CallOptions } from '../support/http';
import { blankDay } from '../support/records';

let stack: LocalStack;
let op: string;

/** The shop whose data must survive every rejected request: it holds a TopChoice badge. */
const HELD = 'fz-held';
/** Where random valid records go. */
const SINK = 'fz-sink';
const KNOWN_SHOPS = new Set([HELD, SINK]);
const SHOP_ID = /^[A-Za-z0-9._-]{1,64}$/;
const RUNS = { numRuns: 100 };

const call = (method: string, path: string, opts?: Pick<CallOptions, 'token' | 'raw'>) => request(stack.url, method, path, opts);

/** Never a 5xx; a 4xx is exactly `{ error: { code, message, details } }` with the status's code. */
function checkShape(answer: Answer, context: string): void {
  if (answer.status >= 500) throw new Error(`${context}: ${answer.status} ${answer.text.slice(0, 500)}`);
  if (answer.status < 400) return;
  const body = answer.body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  const ok =
    body !== undefined &&
    Object.keys(body).join() === 'error' &&
    body.error !== undefined &&
    Object.keys(body.error).sort().join() === 'code,details,message' &&
    body.error.code === CODE_OF_STATUS[answer.status] &&
    typeof body.error.message === 'string' &&
    body.error.message.length > 0 &&
    Array.isArray(body.error.details) &&
    !/\n\s+at |\.ts:\d+/.test(answer.text);
  if (!ok) throw new Error(`${context}: ${answer.status} is not in the error shape: ${answer.text.slice(0, 500)}`);
}

function expectStatus(answer: Answer, allowed: number[], context: string): void {
  checkShape(answer, context);
  if (!allowed.includes(answer.status)) throw new Error(`${context}: expected ${allowed.join('|')}, got ${answer.status} ${answer.text.slice(0, 300)}`);
}

/** The stack's fixed clock (12:00 on 10 December 2026 in Bangkok): the same data whatever the day. */
const NOW = new Date('2026-12-10T05:00:00Z');

const todayTh = (): LocalDate => localDate(NOW, timeZoneOf('TH'));

// ---------------------------------------------------------------------------------------------
// What must not change
// ---------------------------------------------------------------------------------------------

async function snapshot() {
  const seller = (path: string) => call('GET', path, { token: op }).then((a) => `${a.status} ${a.text}`);
  return {
    badge: (await call('GET', `/v1/shops/${HELD}/badge`)).text,
    eligibility: await seller(`/v1/shops/${HELD}/eligibility`),
    history: await seller(`/v1/shops/${HELD}/history?limit=36`),
    profile: await stack.services.shops.get(HELD, true),
    days: await stack.services.metrics.days(HELD, '1970-01-01', '9999-12-31'),
    sink: await stack.services.metrics.days(SINK, '1970-01-01', '9999-12-31'),
  };
}
let baseline: Awaited<ReturnType<typeof snapshot>>;

async function expectUnchanged(opts: { sinkMayGrow?: boolean } = {}): Promise<void> {
  const now = await snapshot();
  expect(now.badge).toContain('"program":"top-choice"');
  expect({ ...now, sink: null }).toEqual({ ...baseline, sink: null });
  if (!opts.sinkMayGrow) expect(now.sink).toEqual(baseline.sink);
  else baseline.sink = now.sink;
  expect(stack.queue.depth).toBe(0);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

// The gauges and peaks of a daily record by the kind of value they take.
const COUNT_GAUGES = ['uniqueBuyers30d', 'violationPoints', 'fraudViolations', 'counterfeitViolations', 'reputationPoints', 'sellableProducts', 'returnWindowDays', 'gmv365d'] as const satisfies readonly (Gauge | Peak)[];
const SCORES = ['shopPerformanceScore', 'shopRating'] as const satisfies readonly Gauge[];
const FLAGS = ['probationGraduated', 'hasLogo'] as const satisfies readonly Gauge[];
const STATUSES: readonly string[] = SHOP_STATUSES;
const RECORD_FIELDS = new Set<string>(['shopId', 'date', ...COUNTERS, ...GAUGES, ...PEAKS]);

type Rec = Record<string, unknown>;

const anyJson = fc.jsonValue({ maxDepth: 3 });
const notJsonText = fc.string({ maxLength: 60 }).filter((s) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});
/** A non-empty key that no schema knows. */
const unknownKey = (known: Set<string>) => fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !known.has(k));
/** Not a safe non-negative integer (after a JSON round trip). */
const notCount = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(2 ** 53, 1e20, null, true, '12', [], {}),
  fc.string(),
);
const notScore = fc.oneof(fc.double({ min: 5.000001, noNaN: true, max: 1e9 }), fc.double({ max: -0.000001, noNaN: true, min: -1e9 }), fc.string(), fc.boolean(), fc.constant([]));
const notShare = fc.oneof(fc.double({ min: 1.000001, noNaN: true, max: 1e9 }), fc.double({ max: -0.000001, noNaN: true, min: -1e9 }), fc.string(), fc.constant({}));
const notFlag = fc.oneof(fc.integer(), fc.string(), fc.constant([]), fc.constant({}));
const notStatus = fc.oneof(fc.string().filter((s) => !STATUSES.includes(s)), fc.integer(), fc.boolean());
const impossibleDate = fc.oneof(
  fc.tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${m}-${String(d).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 1970, max: 2100 }), fc.constantFrom('02-30', '02-31', '04-31', '06-31', '09-31', '11-31', '01-32', '00-10', '05-00')).map(([y, md]) => `${y}-${md}`),
  fc.constantFrom('2025-2-01', '20250201', '2025-02-01T00:00:00Z', '', ' 2025-02-01', 'yesterday'),
  fc.string({ maxLength: 12 }).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
);

/** A valid counter block: every invariant of the contract holds. */
const validCounters = fc
  .record({
    placed: fc.integer({ min: 0, max: 500 }),
    cancelledShare: fc.double({ min: 0, max: 1, noNaN: true }),
    returnedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    faultShare: fc.double({ min: 0, max: 1, noNaN: true }),
    shipped: fc.integer({ min: 0, max: 500 }),
    lateShare: fc.double({ min: 0, max: 1, noNaN: true }),
    gmv: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    chats: fc.integer({ min: 0, max: 300 }),
    answeredShare: fc.double({ min: 0, max: 1, noNaN: true }),
    reviews: fc.integer({ min: 0, max: 300 }),
    negShare: fc.double({ min: 0, max: 1, noNaN: true }),
    ratings: fc.integer({ min: 0, max: 300 }),
    posShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((v) => {
    const cancelled = Math.floor(v.placed * v.cancelledShare);
    const returned = Math.floor((v.placed - cancelled) * v.returnedShare);
    const refunded = Math.floor((v.placed - cancelled - returned) * v.refundedShare);
    return {
      ordersPlaced: v.placed,
      ordersCancelled: cancelled,
      sellerFaultCancellations: Math.floor(cancelled * v.faultShare),
      ordersShipped: v.shipped,
      lateDispatches: Math.floor(v.shipped * v.lateShare),
      ordersReturned: returned,
      ordersRefunded: refunded,
      sellerFaultReturns: Math.floor((returned + refunded) * v.faultShare),
      gmv: v.gmv,
      chatsReceived: v.chats,
      chatsAnsweredWithin24h: Math.floor(v.chats * v.answeredShare),
      reviews: v.reviews,
      negativeReviews: Math.floor(v.reviews * v.negShare),
      productRatings: v.ratings,
      positiveProductRatings: Math.floor(v.ratings * v.posShare),
    };
  });

/** Valid optional gauges: each absent, null or in range. */
const validGauges = fc.record(
  {
    uniqueBuyers30d: fc.option(fc.nat(), { nil: null }),
    shopPerformanceScore: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    shopRating: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: null }),
    violationPoints: fc.option(fc.nat({ max: 11 }), { nil: null }),
    fraudViolations: fc.constantFrom(0, null),
    counterfeitViolations: fc.constantFrom(0, null),
    reputationPoints: fc.option(fc.nat(), { nil: null }),
    status: fc.option(fc.constantFrom(...STATUSES), { nil: null }),
    probationGraduated: fc.option(fc.boolean(), { nil: null }),
    hasLogo: fc.option(fc.boolean(), { nil: null }),
    sellableProducts: fc.option(fc.nat(), { nil: null }),
    freeShippingShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    returnWindowDays: fc.option(fc.nat({ max: 365 }), { nil: null }),
    gmv365d: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { nil: null }),
  },
  { requiredKeys: [] },
);

const pastDate = fc.integer({ min: 1, max: 700 }).map((back) => addDays(todayTh(), -back));

const validRecord = (shopId: string) =>
  fc.tuple(pastDate, validCounters, validGauges).map(([date, counters, gauges]) => ({ shopId, date, ...counters, ...gauges }) as Rec);

/** One change that makes a record invalid, whatever else it holds. */
const corruption: fc.Arbitrary<(r: Rec) => Rec> = fc.oneof(
  fc.constantFrom(...COUNTERS).map((k) => (r: Rec) => {
    const { [k]: _gone, ...rest } = r;
    return rest;
  }),
  fc.tuple(fc.constantFrom(...COUNTERS), notCount).map(([k, v]) => (r: Rec) => ({ ...r, [k]: v })),
  fc.tuple(fc.constantFrom(...COUNT_GAUGES), notCount.filter((v) => v !== null)).map(([k, v]) => (r: Rec) => ({ ...r, [k]: v })),
  fc.tuple(fc.constantFrom(...SCORES), notScore).map(([k, v]) => (r: Rec) => ({ ...r, [k]: v })),
  notShare.map((v) => (r: Rec) => ({ ...r, freeShippingShare: v })),
  fc.tuple(fc.constantFrom(...FLAGS), notFlag).map(([k, v]) => (r: Rec) => ({ ...r, [k]: v })),
  notStatus.map((v) => (r: Rec) => ({ ...r, status: v })),
  fc.tuple(unknownKey(RECORD_FIELDS), anyJson).map(([k, v]) => (r: Rec) => ({ ...r, [k]: v })),
  impossibleDate.map((d) => (r: Rec) => ({ ...r, date: d })),
  fc.integer({ min: 1, max: 400 }).map((ahead) => (r: Rec) => ({ ...r, date: addDays(todayTh(), ahead + 1) })),
  fc.oneof(fc.string().filter((s) => !SHOP_ID.test(s)), fc.integer(), fc.constant(null)).map((id) => (r: Rec) => ({ ...r, shopId: id })),
  fc.stringMatching(/^[a-z0-9]{1,20}$/).map((s) => (r: Rec) => ({ ...r, shopId: `fz-nobody-${s}` })),
  fc.integer({ min: 1, max: 50 }).map((k) => (r: Rec) => ({ ...r, lateDispatches: (r.ordersShipped as number) + k })),
  fc.integer({ min: 1, max: 50 }).map((k) => (r: Rec) => ({ ...r, chatsAnsweredWithin24h: (r.chatsReceived as number) + k })),
  fc.integer({ min: 1, max: 50 }).map((k) => (r: Rec) => ({ ...r, ordersCancelled: (r.ordersPlaced as number) + k })),
  fc.integer({ min: 1, max: 50 }).map((k) => (r: Rec) => ({ ...r, positiveProductRatings: (r.productRatings as number) + k })),
);

/** A record for the held shop that must be rejected: a valid one with 1 to 3 corruptions. */
const invalidRecord = fc.tuple(validRecord(HELD), fc.array(corruption, { minLength: 1, maxLength: 3 })).map(([r, fs]) => fs.reduce((acc, f) => f(acc), r));

/** Not a record at all. */
const notARecord = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean(), fc.array(anyJson, { maxLength: 3 }));

const month = fc.tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
const badMonth = fc.oneof(
  fc.string().filter((s) => !/^\d{4}-(0[1-9]|1[0-2])$/.test(s)),
  fc.integer(),
  fc.constant(null),
  fc.constantFrom('2026-13', '2026-00', '2026-1', '26-11', '2026-11-01', '2026/11'),
);

type Item = { kind: 'valid' | 'invalid'; value: unknown };
const batchItem: fc.Arbitrary<Item> = fc.oneof(
  { weight: 2, arbitrary: validRecord(SINK).map((value) => ({ kind: 'valid' as const, value })) },
  { weight: 4, arbitrary: invalidRecord.map((value) => ({ kind: 'invalid' as const, value })) },
  { weight: 1, arbitrary: notARecord.map((value) => ({ kind: 'invalid' as const, value })) },
);

/** The stored record is the one sent: same fields, same values (numbers to within 1e-120, where DynamoDB's range ends). */
function expectSameRecord(stored: Rec, sent: Rec): void {
  expect(Object.keys(stored).sort()).toEqual(Object.keys(sent).sort());
  for (const [k, v] of Object.entries(sent)) {
    const got = stored[k];
    if (typeof v === 'number' && typeof got === 'number') expect(Math.abs(got - v), `${k}: ${got} vs ${v}`).toBeLessThanOrEqual(Math.max(1e-120, Math.abs(v) * 1e-15));
    else expect(got, k).toEqual(v);
  }
}

function encodeSegment(id: string): string | null {
  try {
    return encodeURIComponent(id);
  } catch {
    return null; // a lone surrogate cannot be put in a URL
  }
}

const pathId = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
  fc.stringMatching(/^[A-Za-z0-9._-]{65,300}$/),
  fc.constantFrom('a/b', '../badge', '..', '.', 'a b', 'a%2Fb', '%', 'x'.repeat(64), 'x'.repeat(65), 'ñ', '😀', 'a\u0000b', 'a\nb', '__proto__', 'constructor'),
).filter((id) => id.length > 0 && encodeSegment(id) !== null);

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: false, clock: () => NOW });
  op = stack.operatorToken;
  const now = NOW;
  const month = monthContaining('TH', now);
  const onboardedAt = `${addMonths(month, -3)}-15`;
  for (const id of KNOWN_SHOPS) {
    const answer = await call('PUT', `/v1/shops/${id}`, { token: op, raw: JSON.stringify({ market: 'TH', name: id, onboardedAt }) });
    expect(answer.status, answer.text).toBe(200);
  }
  const period = assessmentPeriod(month, 'TH');
  const records: DailyRecord[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) {
    records.push(
      blankDay(HELD, d, {
        ordersPlaced: 10,
        ordersShipped: 10,
        gmv: 450_000,
        chatsReceived: 8,
        chatsAnsweredWithin24h: 8,
        reviews: 6,
        productRatings: 6,
        positiveProductRatings: 6,
        uniqueBuyers30d: 150,
        shopRating: 4.8,
        violationPoints: 1,
        fraudViolations: 0,
        counterfeitViolations: 0,
        status: 'active',
      }),
    );
  }
  const ingested = await call('POST', '/v1/metrics', { token: op, raw: JSON.stringify({ records }) });
  expect(JSON.parse(ingested.text)).toEqual({ accepted: records.length, rejected: [] });
  const run = await call('POST', '/v1/evaluations', { token: op, raw: JSON.stringify({ month, markets: ['TH'] }) });
  expect(run.status, run.text).toBe(202);
  await stack.queue.idle();
  baseline = await snapshot();
  expect(baseline.badge).toContain('"program":"top-choice"');
});

afterAll(async () => {
  await stack?.stop();
});

describe('PUT /v1/shops/{shopId} with random bodies', () => {
  const valid = { market: 'TH', name: HELD, onboardedAt: '2020-01-01', certifications: [] };
  const KNOWN = new Set(Object.keys(valid));
  const invalidProfile = fc.oneof(
    notJsonText.map((raw) => ({ raw })),
    anyJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('market' in v)).map((v) => ({ raw: JSON.stringify(v) })),
    fc.string().filter((m) => !['US', 'GB', 'TH', 'MY', 'VN', 'PH', 'SG', 'ID'].includes(m)).map((market) => ({ raw: JSON.stringify({ ...valid, market }) })),
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), anyJson.filter((v) => typeof v === 'object' && v !== null)).map((market) => ({ raw: JSON.stringify({ ...valid, market }) })),
    impossibleDate.map((onboardedAt) => ({ raw: JSON.stringify({ ...valid, onboardedAt }) })),
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([])).map((name) => ({ raw: JSON.stringify({ ...valid, name }) })),
    fc.tuple(unknownKey(KNOWN), anyJson).map(([k, v]) => ({ raw: JSON.stringify({ ...valid, [k]: v }) })),
    fc.oneof(fc.string(), fc.integer(), fc.constant({}), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { minLength: 1 })).map((certifications) => ({
      raw: JSON.stringify({ ...valid, certifications }),
    })),
    fc.tuple(fc.string().filter((t) => !['mall', 'official-shop', 'authorized-seller', 'top-brand', 'super-top-seller'].includes(t)), impossibleDate).map(([type, since]) => ({
      raw: JSON.stringify({ ...valid, certifications: [{ type: 'mall', since: '2025-01-01' }, { type, since }] }),
    })),
    fc.tuple(unknownKey(new Set(['type', 'since', 'until'])), anyJson).map(([k, v]) => ({
      raw: JSON.stringify({ ...valid, certifications: [{ type: 'mall', since: '2025-01-01', [k]: v }] }),
    })),
  );

  it('a valid profile with any text in it is stored and answered as sent', async () => {
    const date = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const profile = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9._-]{1,56}$/).filter((x) => x !== '.' && x !== '..'),
      market: fc.constantFrom('US', 'GB', 'TH', 'MY', 'VN', 'PH', 'SG', 'ID'),
      name: fc
        .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), fc.constantFrom('a\ud800b', '\udfffz', 'x\u0000y', 'Siam \u{1F600} Gadgets'))
        .filter((n) => n.trim() === n && n.length > 0),
      onboardedAt: date,
      certifications: fc.array(
        fc.record(
          {
            type: fc.constantFrom('mall', 'official-shop', 'authorized-seller', 'top-brand', 'super-top-seller'),
            since: fc.constant('2025-01-01'),
            until: fc.option(fc.constantFrom('2025-06-30', '2030-01-01'), { nil: null }),
          },
          { requiredKeys: ['type', 'since'] },
        ),
        { maxLength: 4 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(profile, async ({ id, ...body }) => {
        const shopId = `fzp-${id}`;
        const raw = JSON.stringify(body);
        const answer = await call('PUT', `/v1/shops/${shopId}`, { token: op, raw });
        expectStatus(answer, [200], `PUT ${shopId} ${raw.slice(0, 200)}`);
        expect(answer.body).toEqual({ shopId, ...JSON.parse(raw) });
      }),
      RUNS,
    );
  });

  it('is always a 400 in the error shape, and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(invalidProfile, async ({ raw }) => {
        const answer = await call('PUT', `/v1/shops/${HELD}`, { token: op, raw });
        expectStatus(answer, [400], `PUT ${raw.slice(0, 200)}`);
      }),
      RUNS,
    );
    await expectUnchanged();
  });
});

describe('POST /v1/metrics with random envelopes and records', () => {
  it('a malformed envelope is always a 400 and stores nothing, even with good records in it', async () => {
    const goodRecords = fc.array(validRecord(SINK), { minLength: 1, maxLength: 5 });
    const envelope = fc.oneof(
      notJsonText,
      anyJson.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'records' in v)).map((v) => JSON.stringify(v)),
      fc.oneof(anyJson.filter((v) => !Array.isArray(v)), fc.constant([])).map((records) => JSON.stringify({ records })),
      fc.tuple(goodRecords, unknownKey(new Set(['records'])), anyJson).map(([records, k, v]) => JSON.stringify({ records, [k]: v })),
      goodRecords.map((records) => JSON.stringify(records)),
      goodRecords.map((records) => JSON.stringify({ Records: records })),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (raw) => {
        const answer = await call('POST', '/v1/metrics', { token: op, raw });
        expectStatus(answer, [400], `POST /v1/metrics ${raw.slice(0, 200)}`);
      }),
      RUNS,
    );
    await expectUnchanged();
  });

  it('stores exactly the valid records of a batch and reports every other one by index', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchItem, { minLength: 1, maxLength: 25 }), async (items) => {
        const raw = JSON.stringify({ records: items.map((i) => i.value) });
        const answer = await call('POST', '/v1/metrics', { token: op, raw });
        expectStatus(answer, [200], `POST /v1/metrics ${raw.slice(0, 300)}`);
        const out = answer.body as { accepted: number; rejected: { index: number; shopId: unknown; errors: { path: unknown; message: unknown }[] }[] };
        expect(Object.keys(out).sort()).toEqual(['accepted', 'rejected']);
        const invalid = items.flatMap((item, index) => (item.kind === 'invalid' ? [index] : []));
        expect(out.rejected.map((r) => r.index), raw.slice(0, 500)).toEqual(invalid);
        expect(out.accepted).toBe(items.length - invalid.length);
        for (const r of out.rejected) {
          const sent = items[r.index]?.value as { shopId?: unknown } | null;
          const id = sent !== null && typeof sent === 'object' && !Array.isArray(sent) && typeof sent.shopId === 'string' ? sent.shopId : null;
          expect(r.shopId).toBe(id);
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(typeof e.path).toBe('string');
            expect(typeof e.message).toBe('string');
          }
        }
        // Every valid record is stored as sent (the last one of a date wins).
        const lastOfDate = new Map<string, Rec>();
        for (const item of items) if (item.kind === 'valid') lastOfDate.set((item.value as Rec).date as string, item.value as Rec);
        for (const [date, sent] of lastOfDate) {
          const stored = await stack.services.metrics.days(SINK, date, date);
          expect(stored).toHaveLength(1);
          expectSameRecord(stored[0] as unknown as Rec, JSON.parse(JSON.stringify(sent)) as Rec);
        }
      }),
      { numRuns: 60 },
    );
    await expectUnchanged({ sinkMayGrow: true });
  });
});

describe('POST /v1/evaluations and revocations with random bodies', () => {

  it('an invalid run request is always a 400 and starts nothing', async () => {
    const body = fc.oneof(
      notJsonText,
      anyJson.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'month' in v)).map((v) => JSON.stringify(v)),
      badMonth.map((m) => JSON.stringify({ month: m })),
      fc.tuple(month, fc.oneof(fc.constant([]), fc.string(), fc.array(fc.string().filter((s) => !['US', 'GB', 'TH', 'MY', 'VN', 'PH', 'SG', 'ID'].includes(s)), { minLength: 1 }))).map(([m, markets]) =>
        JSON.stringify({ month: m, markets }),
      ),
      fc.tuple(month, fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant([]))).map(([m, dryRun]) => JSON.stringify({ month: m, dryRun })),
      fc.tuple(month, unknownKey(new Set(['month', 'markets', 'dryRun', 'shopIds'])), anyJson).map(([m, k, v]) => JSON.stringify({ month: m, dryRun: true, [k]: v })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const answer = await call('POST', '/v1/evaluations', { token: op, raw });
        expectStatus(answer, [400], `POST /v1/evaluations ${raw.slice(0, 200)}`);
        expect(stack.queue.depth).toBe(0);
      }),
      RUNS,
    );
    await expectUnchanged();
  });

  it('an invalid revocation request is always a 400 and revokes nothing', async () => {
    const body = fc.oneof(
      notJsonText,
      anyJson.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && 'reason' in v)).map((v) => JSON.stringify(v)),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})).map((reason) => JSON.stringify({ reason })),
      fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 10 }).map((ws) => JSON.stringify({ reason: ws.join('') })),
      fc.tuple(fc.string({ minLength: 1 }), unknownKey(new Set(['reason'])), anyJson).map(([reason, k, v]) => JSON.stringify({ reason, [k]: v })),
    );
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const answer = await call('POST', `/v1/shops/${HELD}/revocations`, { token: op, raw });
        expectStatus(answer, [400], `POST revocations ${raw.slice(0, 200)}`);
      }),
      RUNS,
    );
    await expectUnchanged();
  });
});

describe('GET routes with random path ids and query strings', () => {
  it('a path shop id is answered by the contract: a 400 unless it is 1-64 of A-Za-z0-9._-', async () => {
    await fc.assert(
      fc.asyncProperty(pathId, async (id) => {
        const segment = encodeSegment(id) as string;
        // "." and ".." are path segments a URL resolves away, so they never reach the shop routes.
        const valid = SHOP_ID.test(id) && id !== '.' && id !== '..';
        const known = KNOWN_SHOPS.has(id);
        const badge = await call('GET', `/v1/shops/${segment}/badge`);
        if (valid) {
          expectStatus(badge, [200], `badge ${JSON.stringify(id)}`);
          if (!known) expect(badge.body).toEqual({ shopId: id, badge: null });
        } else expectStatus(badge, id === '.' || id === '..' ? [404] : [400], `badge ${JSON.stringify(id)}`);
        for (const view of ['eligibility', 'history', 'projection']) {
          const answer = await call('GET', `/v1/shops/${segment}/${view}`, { token: op });
          const expected = valid ? (known ? [200] : [404]) : id === '.' || id === '..' ? [404] : [400];
          expectStatus(answer, expected, `${view} ${JSON.stringify(id)}`);
        }
        // Run ids are opaque: anything that is not a run is unknown.
        expectStatus(await call('GET', `/v1/evaluations/${segment}`, { token: op }), [404], `run ${JSON.stringify(id)}`);
      }),
      RUNS,
    );
  });

  it('an instant anywhere in years 0000-9999, with any offset, is a valid at', async () => {
    const instant = fc
      .tuple(fc.date({ min: new Date('0000-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -14 * 60, max: 14 * 60 }), fc.boolean())
      .map(([d, offsetMinutes, utc]) => {
        if (utc) return d.toISOString();
        const local = new Date(d.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      });
    await fc.assert(
      fc.asyncProperty(instant, async (at) => {
        const q = new URLSearchParams({ at }).toString();
        expectStatus(await call('GET', `/v1/shops/${HELD}/badge?${q}`), [200], `badge at=${at}`);
        const many = await call('GET', `/v1/badges?shopIds=${HELD},fz-nobody&${q}`);
        expectStatus(many, [200], `badges at=${at}`);
      }),
      RUNS,
    );
  });

  it('random query strings never get a 5xx, and limit/month/shopIds follow the contract', async () => {
    const key = fc.oneof(fc.constantFrom('at', 'month', 'limit', 'shopIds'), fc.string({ maxLength: 10 }));
    const value = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.integer().map(String), fc.constantFrom('', '2026-11', '12', 'null', '[]'));
    const pairs = fc.array(fc.tuple(key, value), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(pairs, async (kv) => {
        const q = new URLSearchParams(kv).toString();
        for (const path of [`/v1/shops/${HELD}/badge`, '/v1/badges', `/v1/shops/${HELD}/eligibility`, `/v1/shops/${HELD}/history`, `/v1/shops/${HELD}/projection`]) {
          const answer = await call('GET', `${path}?${q}`, { token: op });
          expectStatus(answer, [200, 400], `${path}?${q}`);
        }
      }),
      RUNS,
    );

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: -50, max: 120 }).map(String), fc.string({ maxLength: 4 })), async (limit) => {
        const answer = await call('GET', `/v1/shops/${HELD}/history?${new URLSearchParams({ limit })}`, { token: op });
        const n = Number(limit);
        const valid = /^\d+$/.test(limit) && n >= 1 && n <= 36 && String(n) === limit;
        if (valid) {
          expectStatus(answer, [200], `limit=${limit}`);
          expect((answer.body as { months: unknown[] }).months.length).toBeLessThanOrEqual(n);
        } else if (!/^0\d$/.test(limit)) expectStatus(answer, [400], `limit=${limit}`);
        else expectStatus(answer, [200, 400], `limit=${limit}`);
      }),
      RUNS,
    );

    await fc.assert(
      fc.asyncProperty(fc.oneof(month, badMonth.filter((m): m is string => typeof m === 'string')), async (m) => {
        const answer = await call('GET', `/v1/shops/${HELD}/eligibility?${new URLSearchParams({ month: m })}`, { token: op });
        const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(m) && Number(m.slice(0, 4)) >= 1970;
        expectStatus(answer, valid ? [200] : [400], `month=${m}`);
        if (valid) expect((answer.body as { month: string }).month).toBe(m);
      }),
      RUNS,
    );
  });

  it('shopIds: 1 to 100 well-formed ids are answered once each; otherwise a 400 naming the bad ids', async () => {
    const id = fc.oneof(
      { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/) },
      { weight: 1, arbitrary: fc.constantFrom(HELD, '', 'a b', 'x'.repeat(65), 'ñ', 'a/b', '😀', '%') },
      { weight: 1, arbitrary: fc.string({ maxLength: 70 }).filter((s) => !s.includes(',') && encodeSegment(s) !== null) },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(id, { minLength: 1, maxLength: 8 }), fc.array(id, { minLength: 95, maxLength: 110 })), async (ids) => {
        const answer = await call('GET', `/v1/badges?${new URLSearchParams({ shopIds: ids.join(',') })}`);
        const bad = ids.filter((x) => !SHOP_ID.test(x));
        const unique = [...new Set(ids)];
        if (bad.length > 0) {
          expectStatus(answer, [400], `shopIds=${ids.join(',').slice(0, 200)}`);
          const details = (answer.body as { error: { details: { shopId?: unknown }[] } }).error.details;
          for (const b of bad) expect(details.some((d) => d.shopId === b), `details name ${JSON.stringify(b)}`).toBe(true);
        } else if (unique.length > 100) {
          expectStatus(answer, [400], `${unique.length} ids`);
        } else {
          expectStatus(answer, [200], `shopIds=${ids.join(',').slice(0, 200)}`);
          const badges = (answer.body as { badges: Record<string, unknown> }).badges;
          expect(Object.keys(badges).sort()).toEqual([...unique].sort());
          for (const x of unique) if (!KNOWN_SHOPS.has(x)) expect(badges[x]).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('nothing the GET fuzzing did changed any data', async () => {
    await expectUnchanged({ sinkMayGrow: true });
  });
});
