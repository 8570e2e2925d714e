/**
 * The local HTTP gateway: what CloudFront and API Gateway's HTTP API do in AWS, on one machine. It turns
 * each request into an HTTP API payload v2 event (without requestContext.authorizer: in AWS no authorizer
 * runs either) and calls the very handlers that are deployed, which verify bearer tokens themselves
 * against the key set this server publishes at /.well-known/jwks.json. CORS preflights (OPTIONS) go to
 * the function of the path, as the stack's OPTIONS routes do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { JSONWebKeySet } from 'jose';
import { API, routeKey, type ApiFunction, type RouteDef } from '../../shared/http/api';
import { CORS_HEADERS, errorBody } from '../../shared/http/response';
import { JWKS_PATH } from './tokens';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Larger bodies never reach a function (API Gateway and Lambda cap payloads too). */
const GATEWAY_BODY_LIMIT = 6 * 1024 * 1024;

interface CompiledRoute {
  def: RouteDef;
  pattern: RegExp;
  params: string[];
}

export interface GatewayOptions {
  /** Looked up on each request: the server can listen (and know its port) before the handlers load. */
  handlers: Partial<Record<ApiFunction, HttpLambda>>;
  /** The public key set published at /.well-known/jwks.json (the local issuer's). */
  jwks?: JSONWebKeySet;
  isReady?: () => boolean;
}

function compile(): CompiledRoute[] {
  return Object.values(API).map((def: RouteDef) => {
    const params: string[] = [];
    const pattern = new RegExp(
      `^${def.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_, p: string) => {
        params.push(p);
        return '([^/]+)';
      })}$`,
    );
    return { def, pattern, params };
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string | number | boolean>, body?: string) {
  res.writeHead(status, headers as Record<string, string>);
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: Parameters<typeof errorBody>[0], message: string) {
  send(res, status, { 'content-type': 'application/json', ...CORS_HEADERS }, JSON.stringify(errorBody(code, message)));
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is drained, not cut off: leaving the loop early destroys the socket, and the
  // client's next request on that kept-alive connection fails with ECONNRESET.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= GATEWAY_BODY_LIMIT) chunks.push(chunk as Buffer);
  }
  return size > GATEWAY_BODY_LIMIT ? null : Buffer.concat(chunks);
}

function lambdaContext(name: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `seller-badges-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:seller-badges-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/seller-badges-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function createGateway(options: GatewayOptions): Server {
  const routes = compile();
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // HEAD is a GET whose body Node leaves out (as API Gateway and CloudFront answer it).
      const sent = (req.method ?? 'GET').toUpperCase();
      const method = sent === 'HEAD' ? 'GET' : sent;
      if (url.pathname === '/health' && method === 'GET') {
        const ready = options.isReady?.() ?? true;
        return send(res, ready ? 200 : 503, { 'content-type': 'application/json' }, JSON.stringify({ status: ready ? 'ok' : 'starting' }));
      }
      if (url.pathname === JWKS_PATH && method === 'GET' && options.jwks) {
        return send(res, 200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' }, JSON.stringify(options.jwks));
      }
      const candidates = routes.filter((r) => r.pattern.test(url.pathname));
      // A preflight goes to the function of the path's first route, as `OPTIONS <path>` (the stack's routes).
      const match = method === 'OPTIONS' ? candidates[0] : candidates.find((r) => r.def.method === method);
      if (!match) {
        return candidates.length > 0
          ? sendError(res, 404, 'not_found', `${method} is not a method of ${url.pathname}; use ${candidates.map((c) => c.def.method).join(', ')}`)
          : sendError(res, 404, 'not_found', `no route ${method} ${url.pathname}`);
      }
      const body = await readBody(req);
      if (body === null) return sendError(res, 413, 'too_large', 'the body is larger than the gateway accepts; send at most 1 MiB');

      const values = match.pattern.exec(url.pathname)!.slice(1);
      const pathParameters: Record<string, string> = {};
      match.params.forEach((p, i) => {
        let v = values[i] as string;
        try {
          v = decodeURIComponent(v);
        } catch {
          // Left as sent: the handler's validation rejects it with a 400.
        }
        pathParameters[p] = v;
      });
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;

      const handler = options.handlers[match.def.fn];
      if (!handler || !(options.isReady?.() ?? true)) return sendError(res, 503, 'internal', 'the local server is starting; retry in a moment');
      const requestId = randomUUID();
      const now = new Date();
      const key = method === 'OPTIONS' ? `OPTIONS ${match.def.path}` : routeKey(match.def);
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: key,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
        ...(match.params.length ? { pathParameters } : {}),
        ...(body.length ? { body: body.toString('utf8') } : {}),
        isBase64Encoded: false,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          domainName: headers.host ?? 'localhost',
          domainPrefix: 'localhost',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          requestId,
          routeKey: key,
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
        } as APIGatewayProxyEventV2['requestContext'],
      };
      const result = await handler(event, lambdaContext(match.def.fn, requestId));
      const out = result.body === undefined ? undefined : result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString() : result.body;
      send(res, result.statusCode ?? 200, { ...(result.headers ?? {}) }, out);
    } catch (error) {
      console.error('gateway error', error);
      if (!res.headersSent) sendError(res, 500, 'internal', 'the local gateway failed; see its console');
    }
  });
}
