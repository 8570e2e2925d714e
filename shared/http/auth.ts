/**
 * The one token check, the same in AWS and locally: the bearer JWT's signature against the issuer's key
 * set (fetched from JWKS_URL and cached by jose's remote key set), an algorithm allow-list, the issuer,
 * the audience and the expiry. Only the functions that serve protected routes import this file (through
 * middleware.ts): the public lookup function carries no jose.
 *
 * There is no API Gateway authorizer in front (infra/constructs/badge-api.ts): its 401 would be
 * `{"message":"Unauthorized"}`, not the contract's error shape, and it would check the token a second time.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { readAuthConfig, type AuthConfig } from '../config';
import { AppError, unauthorized } from '../errors';
import type { Authenticate, Claims } from './chain';

/** RS256: Amazon Cognito and most OIDC issuers; ES256: the local key pair. `none` and HMAC never. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256'];

function bearerOf(event: APIGatewayProxyEventV2): string {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i.exec(header?.trim() ?? '');
  if (!match) throw unauthorized('a valid bearer token is required: send Authorization: Bearer <token>');
  return match[1] as string;
}

/**
 * `aud` must name one of the audiences; a token without `aud` may name it in `client_id` instead (Amazon
 * Cognito access tokens do), as API Gateway's JWT authorizer accepted.
 */
function audienceMatches(payload: JWTPayload, audiences: string[]): boolean {
  if (payload.aud !== undefined) return (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).some((a) => audiences.includes(a));
  return typeof payload.client_id === 'string' && audiences.includes(payload.client_id);
}

/** Failures of the key set itself (unreachable, malformed): our side's problem, not the caller's token. */
function isKeySetUnavailable(error: unknown): boolean {
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof TypeError && /fetch/i.test(error.message));
}

/** The verifier of a deployment's tokens; the key set is fetched on first use and cached across requests. */
export function tokenVerifier(config: AuthConfig = readAuthConfig()): Authenticate {
  const keySet = createRemoteJWKSet(config.jwksUrl, {
    // Keys are kept 10 minutes; an unknown `kid` (the issuer rotated) refetches at most every 30 s.
    cacheMaxAge: 600_000,
    cooldownDuration: 30_000,
    timeoutDuration: 3_000,
  });
  return async (event) => {
    const token = bearerOf(event);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: TOKEN_ALGORITHMS,
        issuer: config.issuer,
        // A token without an expiry is never accepted; an expired one not even a second late (no tolerance).
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (isKeySetUnavailable(error)) {
        throw new AppError('internal', `the token issuer's key set could not be read (${(error as Error).message}); retry later`);
      }
      const reason = error instanceof errors.JWTExpired ? 'the token has expired: get a new one' : 'the token is not valid (signature, algorithm, issuer or time claims)';
      throw unauthorized(`${reason}; send Authorization: Bearer <token> from the configured issuer`);
    }
    if (!audienceMatches(payload, config.audiences)) {
      throw unauthorized('the token is not for this API (audience): get a token issued for it');
    }
    return payload as Claims;
  };
}
