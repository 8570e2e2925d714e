/**
 * End to end, the way `npm start` runs the service (demo data loaded, due months evaluated at start-up,
 * gateway with real tokens), on a free port and an in-memory database: the demo shops show their badges,
 * and a new shop goes profile -> ingest -> run -> lookup -> eligibility -> revocation over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { addDays, addMonths, assessmentPeriod, dayNumber, monthContaining, validity, type LocalDate } from '../../shared/domain/calendar';

interface Answer<T> {
  status: number;
  text: string;
  body: T;
}
interface Badge {
  program: string;
  label: string;
  month: string;
  validFrom: string;
  validUntil: string;
  stale: boolean;
}
interface ProgramView {
  program: string;
  eligible: boolean;
  excludedBy: string | null;
  criteria: { id: string; passed: boolean; gap?: number | null }[];
}
interface EligibilityView {
  shopId: string;
  month: string;
  status: string;
  badge: Badge | null;
  programs: ProgramView[];
  revocation: { at: string; reason: string } | null;
  runId: string | null;
  evaluatedAt: string | null;
}

let stack: LocalStack;

/**
 * The stack runs on a fixed clock, so every expectation holds on any day the tests run: 12:00 on
 * 10 December 2026 in Bangkok (the demo's data is generated around it, and December is its current month).
 */
const NOW = new Date('2026-12-10T05:00:00Z');
/** The stack's clock: NOW, moved on by the tests that need a later instant (a rerun after the catch-up). */
let clockNow = NOW;

async function call<T>(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.url}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as T };
}

function ok<T>(answer: Answer<T>, status = 200): T {
  expect(answer.status, answer.text.slice(0, 500)).toBe(status);
  return answer.body;
}

const badgeOf = async (shopId: string) => ok(await call<{ shopId: string; badge: Badge | null }>('GET', `/v1/shops/${shopId}/badge`)).badge;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: true, clock: () => clockNow });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the service as npm start runs it', () => {
  it('is healthy and serves its OpenAPI document', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const doc = ok(await call<{ paths: Record<string, unknown> }>('GET', '/openapi.json'));
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(9);
  });

  it('holds the demo shops of every market', () => {
    for (const id of ['th-0001', 'th-0021', 'th-0023', 'us-0001', 'us-0021', 'gb-0001', 'vn-0001', 'us-legacy-star']) expect(stack.demoShopIds).toContain(id);
  });

  it('shows the demo badges', async () => {
    const m = monthContaining('TH', NOW);
    expect(await badgeOf('th-0001')).toMatchObject({ program: 'top-choice', label: 'TopChoice', month: m, stale: false });
    expect(await badgeOf('th-0021')).toMatchObject({ program: 'mall', label: 'Mall' });
    expect(await badgeOf('th-0022')).toMatchObject({ program: 'mall' });
    expect(await badgeOf('us-0001')).toMatchObject({ program: 'gold-star', label: 'Gold Star Seller', month: monthContaining('US', NOW) });
    expect(await badgeOf('us-0021')).toMatchObject({ program: 'official-shop', label: 'Official Shop' });
    expect(await badgeOf('us-0022')).toMatchObject({ program: 'authorized-seller' });
    expect(await badgeOf('us-0023')).toMatchObject({ program: 'silver-star' });
    expect(await badgeOf('us-0026')).toMatchObject({ program: 'top-brand' });
    for (const id of ['gb-0001', 'gb-0021', 'th-0023', 'us-0025', 'th-0009']) expect(await badgeOf(id), id).toBeNull();
    const us = validity(monthContaining('US', NOW), 'US');
    expect((await badgeOf('us-0001'))?.validFrom).toBe(us.validFrom.toISOString());
  });

  it('answers the demo listing page in one call', async () => {
    const ids = ['th-0001', 'th-0021', 'us-0001', 'us-0021', 'gb-0001', 'th-0023', 'nobody'];
    const { badges } = ok(await call<{ badges: Record<string, Badge | null> }>('GET', `/v1/badges?shopIds=${ids.join(',')}`));
    expect(Object.keys(badges).sort()).toEqual([...ids].sort());
    expect(badges['th-0001']?.program).toBe('top-choice');
    expect(badges['th-0021']?.program).toBe('mall');
    expect(badges['us-0001']?.program).toBe('gold-star');
    expect(badges['us-0021']?.program).toBe('official-shop');
    expect(badges['gb-0001']).toBeNull();
    expect(badges['th-0023']).toBeNull();
    expect(badges.nobody).toBeNull();
  });

  it('explains the demo shops to their sellers', async () => {
    const winner = ok(await call<EligibilityView>('GET', '/v1/shops/th-0001/eligibility', { token: await stack.sellerToken('th-0001') }));
    expect(winner).toMatchObject({ status: 'awarded', badge: { program: 'top-choice' } });
    expect(winner.runId).toEqual(expect.any(String));
    const mall = ok(await call<EligibilityView>('GET', '/v1/shops/th-0021/eligibility', { token: stack.operatorToken }));
    expect(mall.programs.find((p) => p.program === 'top-choice')).toMatchObject({ eligible: false, excludedBy: 'mall', criteria: [] });
    const nearMiss = ok(await call<EligibilityView>('GET', '/v1/shops/th-0009/eligibility', { token: stack.operatorToken }));
    expect(nearMiss.status).toBe('not-eligible');
    expect(nearMiss.programs.find((p) => p.program === 'top-choice')?.criteria.filter((c) => !c.passed).map((c) => c.id)).toEqual(['late-dispatch-rate']);
    const revoked = ok(await call<EligibilityView>('GET', '/v1/shops/th-0023/eligibility', { token: stack.operatorToken }));
    expect(revoked.status).toBe('revoked');
    expect(revoked.revocation?.reason).toMatch(/fraud/i);
    const gb = ok(await call<EligibilityView>('GET', '/v1/shops/gb-0001/eligibility', { token: stack.operatorToken }));
    expect(gb).toMatchObject({ status: 'not-eligible', programs: [] });
  });

  it('keeps the history of the US programs (Star Shop until 2025-06, then Gold Star)', async () => {
    const h = ok(await call<{ months: { month: string; status: string; badge: Badge | null }[] }>('GET', '/v1/shops/us-legacy-star/history?limit=36', { token: stack.operatorToken }));
    const byMonth = new Map(h.months.map((m) => [m.month, m]));
    expect(h.months.at(-1)?.month).toBe('2025-04'); // onboarded 2025-03-01: nothing before its first month
    expect(byMonth.get('2025-06')?.badge?.program).toBe('star-shop');
    expect(byMonth.get('2025-07')?.badge?.program).toBe('gold-star');
    expect(h.months.every((m) => m.status !== 'pending')).toBe(true);
  });
});

describe('a new shop, end to end', () => {
  const shop = 'e2e-siam-gadgets';
  const m = monthContaining('TH', NOW);
  const period = assessmentPeriod(m, 'TH');
  const days: LocalDate[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(d);
  const record = (date: LocalDate, over: Record<string, unknown> = {}) => {
    const n = dayNumber(date);
    const placed = 9 + (n % 4);
    return {
      shopId: shop,
      date,
      ordersPlaced: placed,
      ordersCancelled: 0,
      sellerFaultCancellations: 0,
      ordersShipped: placed,
      lateDispatches: 0,
      ordersReturned: 0,
      ordersRefunded: n % 9 === 0 ? 1 : 0,
      sellerFaultReturns: 0,
      gmv: placed * 42_000,
      chatsReceived: 7,
      chatsAnsweredWithin24h: 7,
      reviews: 5,
      negativeReviews: 0,
      productRatings: 5,
      positiveProductRatings: 5,
      uniqueBuyers30d: 210,
      shopPerformanceScore: 4.6,
      shopRating: 4.8,
      violationPoints: 0,
      fraudViolations: 0,
      counterfeitViolations: 0,
      status: 'active',
      ...over,
    };
  };
  let runId = '';

  it('profile', async () => {
    const profile = { market: 'TH', name: 'Siam Gadgets', onboardedAt: `${addMonths(m, -4)}-03`, certifications: [] };
    expect(ok(await call('PUT', `/v1/shops/${shop}`, { token: stack.operatorToken, body: profile }))).toEqual({ shopId: shop, ...profile });
    expect(await badgeOf(shop)).toBeNull();
    const pending = ok(await call<EligibilityView>('GET', `/v1/shops/${shop}/eligibility`, { token: await stack.sellerToken(shop) }));
    expect(pending).toMatchObject({ status: 'pending', programs: [] });
  });

  it('ingest (which never evaluates a month)', async () => {
    const out = ok(await call<{ accepted: number; rejected: unknown[] }>('POST', '/v1/metrics', { token: stack.operatorToken, body: { records: days.map((d) => record(d)) } }));
    expect(out).toEqual({ accepted: days.length, rejected: [] });
    expect(await badgeOf(shop)).toBeNull();
    expect(ok(await call<EligibilityView>('GET', `/v1/shops/${shop}/eligibility`, { token: stack.operatorToken })).status).toBe('pending');
  });

  it('run', async () => {
    clockNow = new Date(NOW.getTime() + 60_000); // a minute after the start-up catch-up's run of the month
    runId = ok(await call<{ runId: string }>('POST', '/v1/evaluations', { token: stack.operatorToken, body: { month: m, markets: ['TH'] } }), 202).runId;
    await stack.queue.idle();
    const run = ok(await call<{ state: string; trigger: string; shops: { evaluated: number; awarded: number; failed: number }; failures: unknown[] }>('GET', `/v1/evaluations/${runId}`, { token: stack.operatorToken }));
    expect(run).toMatchObject({ state: 'succeeded', trigger: 'operator', failures: [] });
    expect(run.shops.evaluated).toBe(stack.demoShopIds.filter((id) => id.startsWith('th-')).length + 1);
    expect(run.shops.failed).toBe(0);

    // The month's runs: the start-up catch-up's and this one, newest first.
    const { runs } = ok(await call<{ runs: { runId: string; trigger: string; markets: string[]; startedAt: string }[] }>('GET', `/v1/evaluations?month=${m}&market=TH`, { token: stack.operatorToken }));
    expect(runs[0]).toMatchObject({ runId, trigger: 'operator' });
    expect(runs.slice(1).map((r) => r.trigger)).toContain('catch-up');
    expect(runs.map((r) => r.startedAt)).toEqual([...runs.map((r) => r.startedAt)].sort().reverse());
    expect(runs.every((r) => r.markets.includes('TH'))).toBe(true);
    expect((await call('GET', '/v1/evaluations', { token: stack.operatorToken })).status).toBe(400);

    // One shop again, by id; an id without a profile in the market is a 400 naming it.
    const unknown = await call<{ error: { code: string; message: string } }>('POST', '/v1/evaluations', { token: stack.operatorToken, body: { month: m, markets: ['TH'], shopIds: [shop, 'us-0001'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('us-0001') });
    const one = ok(await call<{ runId: string }>('POST', '/v1/evaluations', { token: stack.operatorToken, body: { month: m, markets: ['TH'], shopIds: [shop], dryRun: true } }), 202);
    await stack.queue.idle();
    expect(ok(await call<{ shops: unknown }>('GET', `/v1/evaluations/${one.runId}`, { token: stack.operatorToken })).shops).toEqual({ evaluated: 1, awarded: 1, failed: 0 });
  });

  it('lookup', async () => {
    expect(await badgeOf(shop)).toMatchObject({ program: 'top-choice', month: m, stale: false });
    const { badges } = ok(await call<{ badges: Record<string, Badge | null> }>('GET', `/v1/badges?shopIds=${shop},th-0001,th-0023`));
    expect(badges[shop]?.program).toBe('top-choice');
    // The rerun of the month kept the demo revocation.
    expect(badges['th-0023']).toBeNull();
  });

  it('eligibility', async () => {
    const e = ok(await call<EligibilityView>('GET', `/v1/shops/${shop}/eligibility?month=${m}`, { token: await stack.sellerToken(shop) }));
    expect(e).toMatchObject({ shopId: shop, month: m, status: 'awarded', runId, revocation: null, badge: { program: 'top-choice' } });
    expect(e.programs.find((p) => p.program === 'top-choice')?.criteria.every((c) => c.passed)).toBe(true);
    const other = await call('GET', `/v1/shops/${shop}/eligibility`, { token: await stack.sellerToken('th-0001') });
    expect(other.status).toBe(403);
  });

  it('revocation', async () => {
    const reason = 'Repeated counterfeit reports confirmed';
    const e = ok(await call<EligibilityView>('POST', `/v1/shops/${shop}/revocations`, { token: stack.operatorToken, body: { reason } }));
    expect(e).toMatchObject({ status: 'revoked', badge: null, revocation: { reason } });
    expect(await badgeOf(shop)).toBeNull();
    expect((await call('POST', `/v1/shops/${shop}/revocations`, { token: stack.operatorToken, body: { reason } })).status).toBe(409);
    const h = ok(await call<{ months: { month: string; status: string }[] }>('GET', `/v1/shops/${shop}/history`, { token: await stack.sellerToken(shop) }));
    expect(h.months[0]).toMatchObject({ month: m, status: 'revoked' });
  });
});
