/**
 * The middy chain of an HTTP function: Powertools logging (with the request id as correlation id), the
 * claims check, request parsing and zod validation, and the error mapping (last, so every failure leaves
 * in the contract's shape). Handlers declare routes; this file does everything else once.
 *
 * middleware.ts adds Powertools Metrics to this chain for the functions that publish metrics. The lookup
 * function publishes none, so it uses this chain as is and its bundle carries no Metrics (an empty
 * `logMetrics` flush would also log a "No application metrics to publish" warning on every request).
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { safeParse, type output } from 'zod/v4/core';
import { AppError, badRequest, forbidden, issueDetails, tooLarge, unauthorized } from '../errors';
import { CORS_HEADERS, errorResponse, json } from './response';
import { routeKey, type Access, type RouteDef, type Schema } from './routes';
import { countServerError } from './server-errors';

export type { Access } from './routes';

/**
 * Reads the correlation id (a dotted path such as requestContext.requestId) from the event. Powertools'
 * own JMESPath search would add a package and bundle weight for this one plain path.
 */
const dottedPath = (expression: string, data: unknown): unknown =>
  expression.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], data);

export const logger = new Logger({ serviceName: 'seller-badges', correlationIdSearchFn: dottedPath });

export const MAX_BODY_BYTES = 1024 * 1024;
export const OPERATOR_SCOPE = 'badges:admin';

export interface Reply {
  status?: number;
  body?: unknown;
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

type Claims = Record<string, unknown>;

function claimsOf(event: APIGatewayProxyEventV2): Claims | null {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer;
  return authorizer?.jwt?.claims ?? null;
}

/** `scope` arrives as "a b c", as "[a b c]" (API Gateway's rendering of an array claim) or as an array. */
function scopesOf(claims: Claims): string[] {
  const scope = claims.scope ?? claims.scp;
  if (Array.isArray(scope)) return scope.map(String);
  if (typeof scope === 'string') return scope.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

/** 401 without valid claims, then 403 without the right: decided before anything is parsed. */
export function authorize(access: Access, event: APIGatewayProxyEventV2): void {
  if (access === 'public') return;
  const claims = claimsOf(event);
  if (!claims) throw unauthorized('a valid bearer token is required: send Authorization: Bearer <token>');
  if (scopesOf(claims).includes(OPERATOR_SCOPE)) return;
  if (access === 'operator') throw forbidden(`this route is for operators: the token's scope must contain ${OPERATOR_SCOPE}`);
  const shopId = event.pathParameters?.shopId;
  if (claims.shop_id === undefined || claims.shop_id === null || String(claims.shop_id) !== shopId) {
    throw forbidden('this token is not for this shop: a seller token only opens its own shop (shop_id claim)');
  }
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

async function dispatch(routes: Map<string, AnyRoute>, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const spec = routes.get(event.routeKey);
  if (!spec) throw new AppError('not_found', `no route ${event.routeKey}`);
  authorize(spec.def.access, event);
  const path = spec.path ? validate(spec.path, event.pathParameters ?? {}, 'path') : undefined;
  const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}, 'query') : undefined;
  const body = spec.body ? validate(spec.body, readBody(event), 'body') : undefined;
  const reply = await spec.handle({ path, query, body, event });
  const status = reply.status ?? spec.def.status;
  // A bodiless answer (304) still carries the CORS headers: a browser discards a cross-origin 304 without them.
  if (reply.body === undefined) return { statusCode: status, headers: { ...CORS_HEADERS, ...reply.headers } };
  return json(status, reply.body, reply.headers);
}

/**
 * Last in the chain: every error leaves as `{ error: { code, message, details } }`; unexpected errors are
 * logged, and every 5xx answer is counted (ServerErrors, which the stack alarms on).
 */
const errorMapper = (): HttpMiddleware => ({
  onError: async (request) => {
    if (!(request.error instanceof AppError)) logger.error('unhandled error', request.error as Error);
    request.response = errorResponse(request.error);
    if ((request.response.statusCode ?? 500) >= 500) countServerError();
  },
});

/** The handler of a set of routes: logging, then `extra` middlewares (e.g. metrics), then the error mapping. */
export function httpChain(list: AnyRoute[], extra: HttpMiddleware[] = []) {
  const routes = new Map(list.map((r) => [routeKey(r.def), r]));
  let chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>().use(
    injectLambdaContext(logger, { correlationIdPath: 'requestContext.requestId' }),
  );
  for (const m of extra) chain = chain.use(m);
  return chain.use(errorMapper()).handler((event) => dispatch(routes, event));
}
