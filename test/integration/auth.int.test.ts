/**
 * Who may call what (contract.md "Who may call what", "Errors"): bearer JWTs verified by the local gateway
 * (signature, ES256 only, issuer, audience, expiry), then the handlers' claims check; 401 and then 403 are
 * decided before the request is parsed or validated. Real tokens over real HTTP against the local stack.
 */
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { addDays, localDate, timeZoneOf } from '../../shared/domain/calendar';
import { expectErrorShape as expectError, nowSeconds as now, request, signedToken, unsignedToken, type CallOptions, type SigningKey, type TokenOptions } from '../support/http';
import { blankDay } from '../support/records';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateKeys, mintToken, type KeyPair } from '../../functions/local/tokens';

let stack: LocalStack;
let keys: KeyPair;
let operator: string;
/** Bad tokens by kind, minted in beforeAll. */
const bad: Record<string, string> = {};

const SHOP = 'th-auth-1';
const OTHER = 'th-auth-2';

const call = (method: string, path: string, opts?: CallOptions) => request(stack.url, method, path, opts);

/** A token signed with the gateway's own key unless another is given. */
const signed = (claims: JWTPayload, opts: TokenOptions & { key?: SigningKey } = {}) => signedToken(opts.key ?? keys.privateKey, claims, opts);

/** Every protected route, with a body that would be valid, and the shop it concerns. */
interface Route {
  name: string;
  method: string;
  path: string;
  access: 'seller' | 'operator';
  body?: () => unknown;
}

const ROUTES: Route[] = [
  { name: 'PUT shop', method: 'PUT', path: `/v1/shops/${SHOP}`, access: 'operator', body: () => ({ market: 'TH', name: 'Auth shop', onboardedAt: '2025-01-01' }) },
  { name: 'POST metrics', method: 'POST', path: '/v1/metrics', access: 'operator', body: () => ({ records: [record(SHOP, addDays(todayTh(), -1))] }) },
  { name: 'POST evaluations', method: 'POST', path: '/v1/evaluations', access: 'operator', body: () => ({ month: '2026-01', markets: ['GB'], dryRun: true }) },
  { name: 'GET evaluation', method: 'GET', path: '/v1/evaluations/00000000-0000-0000-0000-000000000000', access: 'operator' },
  { name: 'POST revocation', method: 'POST', path: `/v1/shops/${SHOP}/revocations`, access: 'operator', body: () => ({ reason: 'test' }) },
  { name: 'GET eligibility', method: 'GET', path: `/v1/shops/${SHOP}/eligibility`, access: 'seller' },
  { name: 'GET history', method: 'GET', path: `/v1/shops/${SHOP}/history`, access: 'seller' },
  { name: 'GET projection', method: 'GET', path: `/v1/shops/${SHOP}/projection`, access: 'seller' },
];

const todayTh = () => localDate(new Date(), timeZoneOf('TH'));

function record(shopId: string, date: string) {
  return blankDay(shopId, date, { ordersPlaced: 10, ordersShipped: 10, gmv: 450_000, chatsReceived: 5, chatsAnsweredWithin24h: 5, reviews: 4, productRatings: 4, positiveProductRatings: 4 });
}

const send = (r: Route, opts: { authorization?: string; token?: string; raw?: string } = {}) =>
  call(r.method, r.path, { ...opts, ...(opts.raw === undefined && r.body ? { body: r.body() } : {}) });

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: false });
  keys = await loadOrCreateKeys();
  operator = stack.operatorToken;
  for (const id of [SHOP, OTHER]) {
    const answer = await call('PUT', `/v1/shops/${id}`, { token: operator, body: { market: 'TH', name: id, onboardedAt: '2025-01-01' } });
    expect(answer.status, answer.text).toBe(200);
  }
  const other = await generateKeyPair('ES256');
  const admin = { scope: 'badges:admin' };
  bad.expired = await signed(admin, { exp: now() - 60 });
  bad['expired seller'] = await mintToken(keys, { shopId: SHOP }, now() - 1);
  bad['not yet valid'] = await signed(admin, { nbf: now() + 3600 });
  bad['forged signature'] = await signed(admin, { key: other.privateKey });
  bad['forged seller'] = await new SignJWT({ shop_id: SHOP })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setExpirationTime('1h')
    .sign(other.privateKey);
  bad['alg none'] = unsignedToken(admin);
  bad['alg none seller'] = unsignedToken({ shop_id: SHOP });
  bad['HS256 with a guessable secret'] = await signed(admin, { alg: 'HS256', key: new TextEncoder().encode('badges:admin-secret-0123456789abcdef') });
  bad['wrong issuer'] = await signed(admin, { iss: 'https://evil.example/' });
  bad['wrong audience'] = await signed(admin, { aud: 'someone-else' });
  const good = await signed(admin);
  const [h, p] = good.split('.');
  bad['tampered payload'] = `${h}.${Buffer.from(JSON.stringify({ scope: 'badges:admin', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: now() + 99_999 })).toString('base64url')}.${good.split('.')[2]}`;
  bad['signature cut off'] = `${h}.${p}.`;
  bad.garbage = 'not-a-jwt';
});

afterAll(async () => {
  await stack?.stop();
});

describe('401: no valid token', () => {
  it.each(ROUTES.map((r) => [r.name, r] as const))('%s without a token', async (_name, r) => {
    expectError(await send(r), 401);
  });

  const kinds = [
    'expired',
    'expired seller',
    'not yet valid',
    'forged signature',
    'forged seller',
    'alg none',
    'alg none seller',
    'HS256 with a guessable secret',
    'wrong issuer',
    'wrong audience',
    'tampered payload',
    'signature cut off',
    'garbage',
  ];
  it.each(ROUTES.flatMap((r) => kinds.map((k) => [r.name, k, r] as const)))('%s with a token: %s', async (_name, kind, r) => {
    expectError(await send(r, { token: bad[kind] }), 401);
  });

  it.each([
    ['a Basic header', () => `Basic ${Buffer.from('operator:secret').toString('base64')}`],
    ['Bearer and nothing', () => 'Bearer '],
    ['two tokens', () => `Bearer ${operator} ${operator}`],
    ['an empty header', () => ''],
  ])('a seller route with %s', async (_label, header) => {
    expectError(await call('GET', `/v1/shops/${SHOP}/eligibility`, { authorization: header() }), 401);
  });
});

describe('403: a valid token without the right', () => {
  it.each(['eligibility', 'history', 'projection'])("another shop's seller token on /%s", async (view) => {
    const token = await stack.sellerToken(OTHER);
    expectError(await call('GET', `/v1/shops/${SHOP}/${view}`, { token }), 403);
  });

  it.each(ROUTES.filter((r) => r.access === 'operator').map((r) => [r.name, r] as const))('the shop\'s own seller token on %s', async (_name, r) => {
    expectError(await send(r, { token: await stack.sellerToken(SHOP) }), 403);
  });

  it('a valid token with neither shop_id nor the operator scope', async () => {
    const token = await signed({ scope: 'badges:read profile' });
    expectError(await call('GET', `/v1/shops/${SHOP}/eligibility`, { token }), 403);
    expectError(await call('POST', '/v1/evaluations', { token, body: { month: '2026-01' } }), 403);
  });

  it('a scope that only resembles the operator scope', async () => {
    for (const scope of ['badges:administrator', 'badges', 'BADGES:ADMIN', 'xbadges:admin']) {
      const token = await signed({ scope });
      expectError(await call('POST', '/v1/evaluations', { token, body: { month: '2026-01' } }), 403);
    }
  });

  it('a seller token whose shop_id only differs in case', async () => {
    const token = await signed({ shop_id: SHOP.toUpperCase() });
    expectError(await call('GET', `/v1/shops/${SHOP}/history`, { token }), 403);
  });
});

describe('who may', () => {
  it.each(['eligibility', 'history', 'projection'])("the shop's own seller reads /%s", async (view) => {
    const answer = await call('GET', `/v1/shops/${SHOP}/${view}`, { token: await stack.sellerToken(SHOP) });
    expect(answer.status, answer.text).toBe(200);
    expect((answer.body as { shopId: string }).shopId).toBe(SHOP);
  });

  it.each(['eligibility', 'history', 'projection'])('an operator reads any shop /%s', async (view) => {
    const answer = await call('GET', `/v1/shops/${OTHER}/${view}`, { token: operator });
    expect(answer.status, answer.text).toBe(200);
  });

  it('an operator scope among others, or as an array claim, is an operator', async () => {
    for (const scope of ['openid badges:admin profile', ['profile', 'badges:admin']]) {
      const token = await signed({ scope });
      const answer = await call('GET', `/v1/shops/${SHOP}/history`, { token });
      expect(answer.status, answer.text).toBe(200);
    }
  });

  it('an operator token works on every operator route', async () => {
    for (const r of ROUTES.filter((x) => x.access === 'operator')) {
      const answer = await send(r, { token: operator });
      // GET of an unknown run is a 404 and revoking a shop with no badge a 409: both past the auth check.
      expect([200, 202, 404, 409], `${r.name}: ${answer.text}`).toContain(answer.status);
      if (answer.status >= 400) expectError(answer, answer.status);
    }
  });

  it('a seller token for a shop with no profile reaches the handler (404, not 403)', async () => {
    const answer = await call('GET', '/v1/shops/th-auth-nobody/eligibility', { token: await stack.sellerToken('th-auth-nobody') });
    expectError(answer, 404);
  });
});

describe('401 and 403 come before validation', () => {
  it('no token and an invalid body: 401', async () => {
    expectError(await call('PUT', `/v1/shops/${SHOP}`, { raw: '{"market":' }), 401);
    expectError(await call('PUT', `/v1/shops/${SHOP}`, { body: { market: 'XX' } }), 401);
    expectError(await call('POST', '/v1/metrics', { raw: 'not json at all' }), 401);
    expectError(await call('POST', '/v1/metrics', { body: { records: [] } }), 401);
    expectError(await call('POST', '/v1/evaluations', { body: { month: 'never' } }), 401);
    expectError(await call('POST', `/v1/shops/${SHOP}/revocations`, { body: {} }), 401);
  });

  it('no token and a body over 1 MiB: 401, not 413', async () => {
    expectError(await call('POST', '/v1/metrics', { raw: `{"records":[${' '.repeat(1024 * 1024 + 100)}]}` }), 401);
  });

  it('no token and an invalid path or query: 401', async () => {
    expectError(await call('GET', '/v1/shops/a%20b/eligibility'), 401);
    expectError(await call('GET', `/v1/shops/${SHOP}/eligibility?month=2026-13`), 401);
    expectError(await call('GET', `/v1/shops/${SHOP}/history?limit=0`), 401);
    expectError(await call('PUT', `/v1/shops/${'x'.repeat(65)}`, { body: { market: 'TH' } }), 401);
    expectError(await call('GET', '/v1/evaluations/not_a_run'), 401);
  });

  it('an expired token and an invalid body: 401', async () => {
    expectError(await call('PUT', `/v1/shops/${SHOP}`, { token: bad.expired, body: { market: 'XX' } }), 401);
  });

  it('a seller token and an invalid body on an operator route: 403', async () => {
    const token = await stack.sellerToken(SHOP);
    expectError(await call('PUT', `/v1/shops/${SHOP}`, { token, raw: '{"market":' }), 403);
    expectError(await call('PUT', `/v1/shops/${SHOP}`, { token, body: { market: 'XX', extra: true } }), 403);
    expectError(await call('POST', '/v1/metrics', { token, body: { records: [] } }), 403);
    expectError(await call('POST', '/v1/metrics', { token, raw: `{"records":[${' '.repeat(1024 * 1024 + 100)}]}` }), 403);
    expectError(await call('POST', '/v1/evaluations', { token, body: { month: '2026-13' } }), 403);
    expectError(await call('POST', `/v1/shops/${SHOP}/revocations`, { token, body: { reason: '' } }), 403);
  });

  it("another shop's seller token and an invalid query: 403", async () => {
    const token = await stack.sellerToken(OTHER);
    expectError(await call('GET', `/v1/shops/${SHOP}/eligibility?month=2026-13`, { token }), 403);
    expectError(await call('GET', `/v1/shops/${SHOP}/history?limit=abc`, { token }), 403);
    expectError(await call('GET', '/v1/shops/a%20b/eligibility', { token }), 403);
  });

  it('rejected requests changed nothing', async () => {
    const state = await stack.services.shops.get(SHOP, true);
    expect(state?.profile).toMatchObject({ market: 'TH', name: 'Auth shop', onboardedAt: '2025-01-01' });
    // Only the operator's one record is stored.
    expect(await stack.services.metrics.days(SHOP, '1970-01-01', '9999-12-31')).toHaveLength(1);
  });
});

describe('public routes ignore tokens', () => {
  const tokens = () => [undefined, operator, bad.expired, bad['forged signature'], bad['alg none'], bad.garbage];
  it.each(['/v1/shops/th-auth-1/badge', '/v1/badges?shopIds=th-auth-1,th-auth-2', '/openapi.json'])('%s answers 200 with any token or none', async (path) => {
    for (const token of tokens()) {
      const answer = await call('GET', path, token === undefined ? {} : { token });
      expect(answer.status, `${String(token).slice(0, 20)}: ${answer.text.slice(0, 200)}`).toBe(200);
    }
    const basic = await call('GET', path, { authorization: 'Basic Zm9vOmJhcg==' });
    expect(basic.status).toBe(200);
  });

  it('a public answer does not depend on the token', async () => {
    const anonymous = await call('GET', '/v1/shops/th-auth-1/badge');
    const withToken = await call('GET', '/v1/shops/th-auth-1/badge', { token: operator });
    expect(withToken.text).toBe(anonymous.text);
    expect(withToken.headers.get('etag')).toBe(anonymous.headers.get('etag'));
  });
});

describe('the local server verifies as AWS does: its key set, and CORS per route', () => {
  it('publishes its key set at /.well-known/jwks.json, the keys the functions verify against', async () => {
    const answer = await call('GET', '/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    const { keys: published } = answer.body as { keys: { kid: string; kty: string; alg: string; d?: string }[] };
    expect(published).toEqual([expect.objectContaining({ kid: keys.kid, kty: 'EC', alg: 'ES256' })]);
    expect(published[0]?.d).toBeUndefined(); // never the private part
  });

  it('answers protected routes with CORS headers only for its own origin', async () => {
    const own = new URL(stack.url).origin;
    const mine = await call('GET', `/v1/shops/${SHOP}/history`, { token: operator, headers: { origin: own } });
    expect([mine.status, mine.headers.get('access-control-allow-origin')]).toEqual([200, own]);
    const foreign = await call('GET', `/v1/shops/${SHOP}/history`, { token: operator, headers: { origin: 'https://evil.example' } });
    expect([foreign.status, foreign.headers.get('access-control-allow-origin')]).toEqual([200, null]);
    const refused = await call('GET', `/v1/shops/${SHOP}/history`, { headers: { origin: 'https://evil.example' } });
    expectError(refused, 401);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const publicRoute = await call('GET', `/v1/shops/${SHOP}/badge`, { headers: { origin: 'https://evil.example' } });
    expect(publicRoute.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers preflights by the same rule', async () => {
    const own = new URL(stack.url).origin;
    const preflight = (path: string, origin: string) =>
      call('OPTIONS', path, { headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const mine = await preflight(`/v1/shops/${SHOP}/eligibility`, own);
    expect([mine.status, mine.headers.get('access-control-allow-origin')]).toEqual([204, own]);
    expect(mine.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const foreign = await preflight(`/v1/shops/${SHOP}/eligibility`, 'https://evil.example');
    expect([foreign.status, foreign.headers.get('access-control-allow-origin')]).toEqual([204, null]);
    const storefront = await preflight('/v1/badges', 'https://evil.example');
    expect([storefront.status, storefront.headers.get('access-control-allow-origin')]).toEqual([204, '*']);
  });
});
