/**
 * Helpers for the tests that drive the local stack over real HTTP: one fetch wrapper, the contract's error
 * shape (../../shared/contract.md "Errors"), and bearer tokens forged on purpose (bad claims, foreign keys,
 * no signature) next to the good ones of ./tokens.
 */
import { SignJWT, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../functions/local/tokens';

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: T;
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** The whole Authorization header, as is; wins over `token`. */
  authorization?: string;
  /** JSON-encoded. */
  body?: unknown;
  /** Sent as is (not JSON-encoded); wins over `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

/** One request to `baseUrl + path`; a body (raw or JSON) is sent as application/json. */
export async function request<T = unknown>(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

/** The error code the contract gives each status. */
export const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  500: 'internal',
};

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown>[] };
}

/** The status, and the contract's one error shape: exactly `{ error: { code, message, details } }` with the status's code. */
export function expectErrorShape(answer: Answer, status: number): ErrorBody['error'] {
  expect(answer.status, answer.text).toBe(status);
  const body = answer.body as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
  expect(body.error.code).toBe(CODE_OF_STATUS[status]);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(body.error.details)).toBe(true);
  return body.error;
}

// ---------------------------------------------------------------------------------------------
// Forged tokens
// ---------------------------------------------------------------------------------------------

/** Now, in the seconds of JWT claims. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export type SigningKey = Parameters<SignJWT['sign']>[0];

export interface TokenOptions {
  alg?: string;
  iss?: string;
  aud?: string;
  /** Expiry in seconds since the epoch; an hour from now by default. */
  exp?: number;
  nbf?: number;
}

/** A token signed with `key`, with whatever claims and header the test wants; the local issuer and audience by default. */
export function signedToken(key: SigningKey, claims: JWTPayload, opts: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'ES256', typ: 'JWT' })
    .setIssuer(opts.iss ?? LOCAL_ISSUER)
    .setAudience(opts.aud ?? LOCAL_AUDIENCE)
    .setIssuedAt(nowSeconds() - 60)
    .setExpirationTime(opts.exp ?? nowSeconds() + 3600);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(key);
}

/** An `alg: none` token: valid claims, no signature. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: nowSeconds(), exp: nowSeconds() + 3600, ...claims })}.`;
}
