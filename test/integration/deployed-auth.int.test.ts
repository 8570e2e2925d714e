/**
 * The deployed path of "Who may call what": the handlers as Lambda runs them, invoked with the API Gateway
 * HTTP API payload v2 events that CloudFront + API Gateway deliver in AWS (no requestContext.authorizer:
 * no route has one), configured as the stack configures them (JWT_ISSUER, JWT_AUDIENCE, JWKS_URL,
 * CORS_ALLOWED_ORIGINS, ORIGIN_VERIFY_SECRET). The issuer's key set (RS256, as Amazon Cognito signs) is
 * served by a loopback HTTP server; DynamoDB Local holds the data.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuthConfig } from '../../shared/config';
import { AppError } from '../../shared/errors';
import { tokenVerifier } from '../../shared/http/auth';
import { useServices } from '../../shared/runtime';
import { putShop } from '../../shared/usecases/ingest';
import { startTestDb, testServices, type TestDb } from '../support/harness';
import { CODE_OF_STATUS, nowSeconds as now } from '../support/http';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test';
const AUDIENCE = 'seller-badges-client';
const SELLER_CENTER = 'https://seller.example.com';
const ORIGIN_SECRET = 'origin-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const SHOP = 'th-deployed-1';
const OTHER = 'th-deployed-2';
const KID = 'test-key-1';

type Lambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let db: TestDb;
let jwksServer: Server;
let jwksFetches = 0;
let signingKey: Key;
let foreignKey: Key;
let handlers: { lookup: Lambda; seller: Lambda; ingest: Lambda; admin: Lambda };

const context = { awsRequestId: 'req', functionName: 'seller-badges-test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

interface EventOptions {
  token?: string;
  authorization?: string;
  origin?: string;
  body?: unknown;
  query?: Record<string, string>;
  /** false: as a request that bypassed CloudFront (no origin secret header). */
  viaCdn?: boolean;
  headers?: Record<string, string>;
}

/** An HTTP API payload v2 event as API Gateway builds it behind CloudFront. */
function apiEvent(method: string, routePath: string, path: string, opts: EventOptions = {}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-length': '0',
    host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'user-agent': 'Amazon CloudFront',
    via: '2.0 0123456789abcdef.cloudfront.net (CloudFront)',
    'x-amz-cf-id': 'id',
    'x-amzn-trace-id': 'Root=1-00000000-000000000000000000000000',
    'x-forwarded-for': '203.0.113.7, 130.176.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(opts.viaCdn === false ? {} : { 'x-origin-verify': ORIGIN_SECRET }),
    ...(opts.authorization !== undefined ? { authorization: opts.authorization } : opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...(opts.origin ? { origin: opts.origin } : {}),
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...opts.headers,
  };
  const params = [...routePath.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const values = new RegExp(`^${routePath.replace(/\{\w+\}/g, '([^/]+)')}$`).exec(path)?.slice(1) ?? [];
  const time = new Date();
  const routeKey = `${method} ${routePath}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
    headers,
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(params.length ? { pathParameters: Object.fromEntries(params.map((p, i) => [p, values[i] as string])) } : {}),
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '130.176.0.1', userAgent: 'Amazon CloudFront' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: time.toISOString(),
      timeEpoch: time.getTime(),
    },
  };
}

function token(claims: JWTPayload, opts: { key?: Key; iss?: string; aud?: string | null; exp?: number; kid?: string } = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? KID, typ: 'JWT' })
    .setIssuer(opts.iss ?? ISSUER)
    .setIssuedAt(now() - 60)
    .setExpirationTime(opts.exp ?? now() + 3600);
  if (opts.aud !== null) jwt.setAudience(opts.aud ?? AUDIENCE);
  return jwt.sign(opts.key ?? signingKey);
}

function expectError(result: APIGatewayProxyStructuredResultV2, status: number): { code: string; message: string } {
  expect(result.statusCode, result.body).toBe(status);
  const body = JSON.parse(result.body ?? '') as { error: { code: string; message: string; details: unknown[] } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(CODE_OF_STATUS[status]);
  return body.error;
}

const eligibility = (shopId: string, opts: EventOptions = {}) =>
  handlers.seller(apiEvent('GET', '/v1/shops/{shopId}/eligibility', `/v1/shops/${shopId}/eligibility`, opts), context);
const startRun = (opts: EventOptions = {}) => handlers.admin(apiEvent('POST', '/v1/evaluations', '/v1/evaluations', opts), context);

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  foreignKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] };
  jwksServer = createServer((req, res) => {
    jwksFetches++;
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/jwks.json' ? JSON.stringify(jwks) : '{}');
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));

  Object.assign(process.env, {
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: `other-client,${AUDIENCE}`,
    JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
    CORS_ALLOWED_ORIGINS: SELLER_CENTER,
    ORIGIN_VERIFY_SECRET: ORIGIN_SECRET,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  db = await startTestDb();
  const svc = testServices(db, await db.table());
  useServices(svc);
  for (const id of [SHOP, OTHER]) await putShop(svc, id, { market: 'TH', name: id, onboardedAt: '2025-01-01', certifications: [] });
  // Imported once the environment is set: each function reads its settings when it starts.
  const [lookup, seller, ingest, admin] = await Promise.all([
    import('../../functions/lookup/handler'),
    import('../../functions/seller/handler'),
    import('../../functions/ingest/handler'),
    import('../../functions/admin/handler'),
  ]);
  handlers = { lookup: lookup.handler as unknown as Lambda, seller: seller.handler as unknown as Lambda, ingest: ingest.handler as unknown as Lambda, admin: admin.handler as unknown as Lambda };
});

afterAll(async () => {
  await new Promise<void>((resolve) => (jwksServer ? jwksServer.close(() => resolve()) : resolve()));
  await db?.stop();
});

describe('401: no valid token, in the contract shape', () => {
  it('without a token', async () => {
    expectError(await eligibility(SHOP), 401);
    expectError(await startRun({ body: { month: '2026-01' } }), 401);
  });

  it.each([
    ['expired', () => token({ shop_id: SHOP }, { exp: now() - 1 })],
    ['from another issuer', () => token({ shop_id: SHOP }, { iss: 'https://evil.example/' })],
    ['for another audience', () => token({ shop_id: SHOP }, { aud: 'someone-else' })],
    ['without an audience or client_id', () => token({ shop_id: SHOP }, { aud: null })],
    ['signed by another key under the same kid', () => token({ shop_id: SHOP }, { key: foreignKey })],
    ['with an unknown kid', () => token({ shop_id: SHOP }, { kid: 'rotated-away' })],
  ])('with a token %s', async (_label, make) => {
    expectError(await eligibility(SHOP, { token: await make() }), 401);
  });

  it('with an HS256 token whose secret is public knowledge, or alg none', async () => {
    const hs = await new SignJWT({ scope: 'badges:admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(32)));
    expectError(await startRun({ token: hs, body: { month: '2026-01' } }), 401);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${part({ alg: 'none' })}.${part({ scope: 'badges:admin', iss: ISSUER, aud: AUDIENCE, exp: now() + 3600 })}.`;
    expectError(await startRun({ token: none, body: { month: '2026-01' } }), 401);
  });

  it('before the body is read: no token and a malformed body is 401, not 400 or 413', async () => {
    expectError(await handlers.ingest(apiEvent('POST', '/v1/metrics', '/v1/metrics', { body: { records: [] } }), context), 401);
    const huge = apiEvent('POST', '/v1/metrics', '/v1/metrics', { body: 'x'.repeat(1024 * 1024 + 10) });
    expectError(await handlers.ingest(huge, context), 401);
  });
});

describe('403: a valid token without the right', () => {
  it("another shop's seller", async () => {
    expectError(await eligibility(SHOP, { token: await token({ shop_id: OTHER }) }), 403);
  });

  it('a seller on an operator route, even with an invalid body', async () => {
    expectError(await startRun({ token: await token({ shop_id: SHOP }), body: { month: 'never' } }), 403);
  });
});

describe('who may', () => {
  it("the shop's own seller", async () => {
    const result = await eligibility(SHOP, { token: await token({ shop_id: SHOP }) });
    expect(result.statusCode, result.body).toBe(200);
    expect((JSON.parse(result.body ?? '{}') as { shopId: string }).shopId).toBe(SHOP);
  });

  it('whatever the case of the scheme name (RFC 7235: "bearer" is "Bearer")', async () => {
    const seller = await token({ shop_id: SHOP });
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      expect((await eligibility(SHOP, { authorization: `${scheme} ${seller}` })).statusCode, scheme).toBe(200);
    }
  });

  it('an operator, on any shop and on operator routes', async () => {
    const operator = await token({ scope: 'openid badges:admin' });
    expect((await eligibility(OTHER, { token: operator })).statusCode).toBe(200);
    const run = await handlers.admin(apiEvent('GET', '/v1/evaluations/{runId}', '/v1/evaluations/00000000-0000-0000-0000-000000000000', { token: operator }), context);
    expectError(run, 404); // past the token check: the run does not exist
  });

  it('an Amazon Cognito access token (no aud, the audience in client_id)', async () => {
    const cognito = await token({ shop_id: SHOP, client_id: AUDIENCE, token_use: 'access' }, { aud: null });
    expect((await eligibility(SHOP, { token: cognito })).statusCode).toBe(200);
  });

  it('fetches the key set once and keeps it across requests', async () => {
    const before = jwksFetches;
    for (let i = 0; i < 5; i++) expect((await eligibility(SHOP, { token: await token({ shop_id: SHOP }) })).statusCode).toBe(200);
    expect(jwksFetches - before).toBe(0);
    expect(jwksFetches).toBeGreaterThanOrEqual(1);
  });
});

describe('only through the CDN', () => {
  it('refuses a request without the origin secret, public or protected, before the token', async () => {
    const badge = await handlers.lookup(apiEvent('GET', '/v1/shops/{shopId}/badge', `/v1/shops/${SHOP}/badge`, { viaCdn: false }), context);
    expectError(badge, 403);
    expectError(await eligibility(SHOP, { viaCdn: false }), 403);
    expectError(await eligibility(SHOP, { viaCdn: false, headers: { 'x-origin-verify': 'guess' } }), 403);
  });
});

describe('CORS', () => {
  it('public routes answer any origin', async () => {
    const badge = await handlers.lookup(apiEvent('GET', '/v1/shops/{shopId}/badge', `/v1/shops/${SHOP}/badge`, { origin: 'https://shop.example' }), context);
    expect(badge.statusCode).toBe(200);
    expect(badge.headers?.['access-control-allow-origin']).toBe('*');
  });

  it('protected routes answer only the configured origins, errors included', async () => {
    const own = await token({ shop_id: SHOP });
    const allowed = await eligibility(SHOP, { token: own, origin: SELLER_CENTER });
    expect(allowed.headers?.['access-control-allow-origin']).toBe(SELLER_CENTER);
    expect(allowed.headers?.vary).toBe('Origin');
    const other = await eligibility(SHOP, { token: own, origin: 'https://evil.example' });
    expect(other.statusCode).toBe(200);
    expect(other.headers?.['access-control-allow-origin']).toBeUndefined();
    const refused = await eligibility(SHOP, { origin: 'https://evil.example' });
    expectError(refused, 401);
    expect(refused.headers?.['access-control-allow-origin']).toBeUndefined();
    expect((await eligibility(SHOP, { origin: SELLER_CENTER })).headers?.['access-control-allow-origin']).toBe(SELLER_CENTER);
  });

  it('preflights: public paths for anyone, protected paths for the configured origins', async () => {
    const preflight = (fn: Lambda, routePath: string, path: string, origin: string) =>
      fn({ ...apiEvent('OPTIONS', routePath, path, { origin, headers: { 'access-control-request-method': 'GET' } }) }, context);
    const pub = await preflight(handlers.lookup, '/v1/badges', '/v1/badges', 'https://shop.example');
    expect([pub.statusCode, pub.headers?.['access-control-allow-origin']]).toEqual([204, '*']);
    const seller = await preflight(handlers.seller, '/v1/shops/{shopId}/eligibility', `/v1/shops/${SHOP}/eligibility`, SELLER_CENTER);
    expect([seller.statusCode, seller.headers?.['access-control-allow-origin']]).toEqual([204, SELLER_CENTER]);
    expect(seller.headers?.['access-control-allow-headers']).toMatch(/authorization/);
    const foreign = await preflight(handlers.seller, '/v1/shops/{shopId}/eligibility', `/v1/shops/${SHOP}/eligibility`, 'https://evil.example');
    expect([foreign.statusCode, foreign.headers?.['access-control-allow-origin']]).toEqual([204, undefined]);
  });
});

describe('settings', () => {
  it('a function with protected routes fails at start without its token settings, naming them', () => {
    expect(() => readAuthConfig({})).toThrow(/JWT_ISSUER.*JWT_AUDIENCE|JWT_AUDIENCE.*JWT_ISSUER/);
    expect(readAuthConfig({ JWT_ISSUER: 'https://issuer.example/', JWT_AUDIENCE: 'a' }).jwksUrl.href).toBe('https://issuer.example/.well-known/jwks.json');
  });

  it("an unreachable key set is our side's failure (500), not the caller's token", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const verify = tokenVerifier({ issuer: ISSUER, audiences: [AUDIENCE], jwksUrl: new URL(`http://127.0.0.1:${port}/jwks.json`), allowedOrigins: [] });
    const failure = await verify(apiEvent('GET', '/v1/shops/{shopId}/history', `/v1/shops/${SHOP}/history`, { token: await token({ shop_id: SHOP }) })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).status).toBe(500);
  });
});
