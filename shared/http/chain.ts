/**
 * The middy chain of an HTTP function: Powertools logging (with the request id as correlation id), the
 * CDN origin check, the token check and the claims check, request parsing and zod validation, CORS, and
 * the error mapping (last, so every failure leaves in the contract's shape). Handlers declare routes;
 * this file does everything else once.
 *
 * The token itself is verified by an `authenticate` function that the chain is given (auth.ts, through
 * middleware.ts): a chain with protected routes and no authenticator refuses to start. The lookup
 * function serves public routes only, so its bundle carries no jose.
 *
 * middleware.ts adds Powertools Metrics to this chain for the functions that publish metrics. The lookup
 * function publishes none, so it uses this chain as is and its bundle carries no Metrics (an empty
 * `logMetrics` flush would also log a "No application metrics to publish" warning on every request).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { safeParse, type output } from 'zod/v4/core';
import { timingSafeEqual } from 'node:crypto';
import { ORIGIN_VERIFY_HEADER, readEdgeConfig } from '../config';
import { AppError, badRequest, forbidden, issueDetails, tooLarge } from '../errors';
import { CORS_HEADERS, errorResponse, json } from './response';
import { routeKey, type Access, type RouteDef, type Schema } from './routes';
import { logger } from '../observability/logger';
import { countServerError } from '../observability/server-errors';

export type { Access } from './routes';

export { logger } from '../observability/logger';

export const MAX_BODY_BYTES = 1024 * 1024;
export const OPERATOR_SCOPE = 'badges:admin';

export interface Reply {
  status?: number;
  /** JSON answer. */
  body?: unknown;
  /** A text answer sent as is (a CSV download); its content-type goes in `headers`. */
  text?: string;
  headers?: Record<string, string>;
}

type Out<S> = S extends Schema ? output<S> : undefined;

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  def: RouteDef;
  path?: P;
  query?: Q;
  body?: B;
  handle: (input: { path: Out<P>; query: Out<Q>; body: Out<B>; event: APIGatewayProxyEventV2 }) => Promise<Reply>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a route table holds routes of many input types
export type AnyRoute = RouteSpec<any, any, any>;

export type HttpMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>;

/** Attaches a handler to a contract route; its input types follow the route's schemas. */
export function route<D extends RouteDef>(
  def: D,
  handle: RouteSpec<D['pathSchema'], D['query'], D['body']>['handle'],
): RouteSpec<D['pathSchema'], D['query'], D['body']> {
  return { def, path: def.pathSchema, query: def.query, body: def.body, handle };
}

export type Claims = Record<string, unknown>;

/** Verifies the request's bearer token and returns its claims, or throws a 401 (auth.ts). */
export type Authenticate = (event: APIGatewayProxyEventV2) => Promise<Claims>;

/** The header CloudFront adds to every origin request (infra/constructs/edge.ts). */
export { ORIGIN_VERIFY_HEADER } from '../config';

/** `scope` arrives as "a b c", as "[a b c]" (some issuers' rendering of an array claim) or as an array. */
function scopesOf(claims: Claims): string[] {
  const scope = claims.scope ?? claims.scp;
  if (Array.isArray(scope)) return scope.map(String);
  if (typeof scope === 'string') return scope.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

/** 403 without the right, on verified claims: the operator scope, or the seller's own shop. */
export function authorize(access: Access, claims: Claims, event: APIGatewayProxyEventV2): void {
  if (access === 'public') return;
  if (scopesOf(claims).includes(OPERATOR_SCOPE)) return;
  if (access === 'operator') throw forbidden(`this route is for operators: the token's scope must contain ${OPERATOR_SCOPE}`);
  const shopId = event.pathParameters?.shopId;
  if (claims.shop_id === undefined || claims.shop_id === null || String(claims.shop_id) !== shopId) {
    throw forbidden('this token is not for this shop: a seller token only opens its own shop (shop_id claim)');
  }
}

export interface ChainOptions {
  /** Required when any route is protected. */
  authenticate?: Authenticate;
  /** Browser origins that protected routes answer with CORS headers (public routes answer `*`). */
  allowedOrigins?: readonly string[];
  /** When set (AWS), requests must carry it in ORIGIN_VERIFY_HEADER: they came through the CDN. */
  originSecret?: string;
}

const PREFLIGHT_HEADERS = 'authorization, content-type, if-none-match';

/** CORS headers of an answer: `*` on public routes; on protected ones only for an allowed origin. */
function corsHeaders(access: Access | undefined, event: APIGatewayProxyEventV2, allowed: readonly string[]): Record<string, string> {
  if (access === undefined || access === 'public') return { ...CORS_HEADERS };
  const origin = event.headers?.origin;
  // Vary even when refused: a shared cache must not hand one origin's answer to another.
  if (origin === undefined || !allowed.includes(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_HEADERS['access-control-expose-headers'], vary: 'Origin' };
}

/** Adds the route's CORS headers to an answer (response.ts shapes answers without any). */
function withCors(response: APIGatewayProxyStructuredResultV2, cors: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  return { ...response, headers: { ...response.headers, ...cors } };
}

function sameSecret(given: string | undefined, secret: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function validate<S extends Schema>(schema: S, value: unknown, where: string): output<S> {
  const parsed = safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const details = issueDetails(parsed.error.issues, where);
  throw badRequest(`invalid ${where}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
}

function readBody(event: APIGatewayProxyEventV2): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge(`the body is ${bytes.length} bytes; send at most ${MAX_BODY_BYTES} bytes (split the batch)`);
  if (bytes.length === 0) throw badRequest('a JSON body is required', [{ path: 'body', message: 'missing' }]);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: 'not valid JSON' }]);
  }
}

interface Routing {
  routes: Map<string, AnyRoute>;
  /** Route templates of this function by path, for CORS preflights (`OPTIONS <path>`). */
  byPath: Map<string, AnyRoute[]>;
  options: ChainOptions;
}

/** The route an event is for: its own, or for a preflight the first route of the path. */
function accessOf(routing: Routing, event: APIGatewayProxyEventV2): Access | undefined {
  const own = routing.routes.get(event.routeKey);
  if (own) return own.def.access;
  const path = event.routeKey.replace(/^OPTIONS /, '');
  const onPath = routing.byPath.get(path) ?? [];
  return onPath.some((r) => r.def.access !== 'public') ? 'seller' : onPath.length > 0 ? 'public' : undefined;
}

/** A CORS preflight: the methods of the path, and the origin rules of its routes. */
function preflight(routing: Routing, event: APIGatewayProxyEventV2, path: string): APIGatewayProxyStructuredResultV2 {
  const onPath = routing.byPath.get(path);
  if (!onPath) throw new AppError('not_found', `no route ${path}`);
  const cors = corsHeaders(accessOf(routing, event), event, routing.options.allowedOrigins ?? []);
  const allowed = 'access-control-allow-origin' in cors;
  return {
    statusCode: 204,
    headers: allowed
      ? { ...cors, 'access-control-allow-methods': [...onPath.map((r) => r.def.method), 'OPTIONS'].join(', '), 'access-control-allow-headers': PREFLIGHT_HEADERS, 'access-control-max-age': '600' }
      : cors,
  };
}

async function dispatch(routing: Routing, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const { options } = routing;
  if (options.originSecret !== undefined && !sameSecret(event.headers?.[ORIGIN_VERIFY_HEADER], options.originSecret)) {
    throw forbidden('this API is served through its CDN only: call the distribution\'s host name');
  }
  if (event.routeKey.startsWith('OPTIONS ')) return preflight(routing, event, event.routeKey.slice('OPTIONS '.length));
  const spec = routing.routes.get(event.routeKey);
  if (!spec) throw new AppError('not_found', `no route ${event.routeKey}`);
  // 401 without a valid token, then 403 without the right: decided before anything is parsed.
  if (spec.def.access !== 'public') authorize(spec.def.access, await options.authenticate!(event), event);
  const path = spec.path ? validate(spec.path, event.pathParameters ?? {}, 'path') : undefined;
  const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}, 'query') : undefined;
  const body = spec.body ? validate(spec.body, readBody(event), 'body') : undefined;
  const reply = await spec.handle({ path, query, body, event });
  const status = reply.status ?? spec.def.status;
  const cors = corsHeaders(spec.def.access, event, options.allowedOrigins ?? []);
  // A seller's or operator's answer is theirs alone: no browser or shared cache keeps it.
  if (spec.def.access !== 'public' && !reply.headers?.['cache-control']) reply.headers = { ...reply.headers, 'cache-control': 'private, no-store' };
  // A bodiless answer (304) still carries the CORS headers: a browser discards a cross-origin 304 without them.
  if (reply.text !== undefined) return { statusCode: status, headers: { ...reply.headers, ...cors }, body: reply.text };
  if (reply.body === undefined) return { statusCode: status, headers: { ...reply.headers, ...cors } };
  return withCors(json(status, reply.body, reply.headers), cors);
}

/** Last in the chain: every error leaves as `{ error: { code, message, details } }` with the route's CORS; 5xx are logged. */
const errorMapper = (routing: Routing): HttpMiddleware => ({
  onError: async (request) => {
    const error = request.error;
    if (!(error instanceof AppError) || error.status >= 500) logger.error('request failed', error as Error);
    request.response = withCors(errorResponse(error), corsHeaders(accessOf(routing, request.event), request.event, routing.options.allowedOrigins ?? []));
    if ((request.response.statusCode ?? 500) >= 500) countServerError();
  },
});

/** The handler of a set of routes: logging, then `extra` middlewares (e.g. metrics), then the error mapping. */
export function httpChain(list: AnyRoute[], extra: HttpMiddleware[] = [], options: ChainOptions = {}) {
  if (!options.authenticate && list.some((r) => r.def.access !== 'public')) {
    throw new Error(`protected routes need a token check: ${list.filter((r) => r.def.access !== 'public').map((r) => routeKey(r.def)).join(', ')}`);
  }
  const byPath = new Map<string, AnyRoute[]>();
  for (const r of list) byPath.set(r.def.path, [...(byPath.get(r.def.path) ?? []), r]);
  const edge = readEdgeConfig();
  const routing: Routing = {
    routes: new Map(list.map((r) => [routeKey(r.def), r])),
    byPath,
    options: { ...(edge.originSecret !== undefined ? { originSecret: edge.originSecret } : {}), ...options },
  };
  let chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>().use(
    injectLambdaContext(logger, { correlationIdPath: 'requestContext.requestId' }),
  );
  for (const m of extra) chain = chain.use(m);
  return chain.use(errorMapper(routing)).handler((event) => dispatch(routing, event));
}
