/**
 * Local bearer tokens: an ES256 key pair generated once under .local/keys/, tokens for an operator or a
 * shop's seller, and the public key set that the local server publishes at /.well-known/jwks.json. The
 * functions verify local tokens against it with the very code that verifies the issuer's tokens in AWS
 * (shared/http/auth.ts): the local server sets JWT_ISSUER, JWT_AUDIENCE and JWKS_URL (localEnvironment).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_ISSUER = 'https://seller-badges.local/';
export const LOCAL_AUDIENCE = 'seller-badges';
const ALG = 'ES256';
const TOKEN_LIFETIME = '12h';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface KeyPair {
  privateKey: Key;
  publicKey: Key;
  /** The public key set the local server publishes: the one public key, with its thumbprint as `kid`. */
  jwks: JSONWebKeySet;
  kid: string;
}

export async function loadOrCreateKeys(dir = join(REPO_ROOT, '.local', 'keys')): Promise<KeyPair> {
  const file = join(dir, 'es256.jwk.json');
  if (!existsSync(file)) {
    const pair = await generateKeyPair(ALG, { extractable: true });
    mkdirSync(dir, { recursive: true });
    const jwks = { privateKey: await exportJWK(pair.privateKey), publicKey: await exportJWK(pair.publicKey) };
    writeFileSync(file, JSON.stringify(jwks), { mode: 0o600, flag: 'wx' });
  }
  const { privateKey, publicKey } = JSON.parse(readFileSync(file, 'utf8')) as { privateKey: JWK; publicKey: JWK };
  const kid = await calculateJwkThumbprint(publicKey);
  const { kty, crv, x, y } = publicKey;
  return {
    privateKey: await importJWK(privateKey, ALG),
    publicKey: await importJWK(publicKey, ALG),
    jwks: { keys: [{ kty, crv, x, y, kid, alg: ALG, use: 'sig' } as JWK] },
    kid,
  };
}

export type Subject = { operator: true } | { shopId: string };

export async function mintToken(keys: Pick<KeyPair, 'privateKey' | 'kid'>, who: Subject, lifetime: string | number = TOKEN_LIFETIME): Promise<string> {
  const claims: JWTPayload = 'operator' in who ? { scope: 'badges:admin' } : { shop_id: who.shopId };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, typ: 'JWT', kid: keys.kid })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('operator' in who ? 'operator' : `seller:${who.shopId}`)
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(keys.privateKey);
}

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The token settings of the functions on a local server at `baseUrl`: the local issuer and audience (what
 * mintToken puts in every token, port-independent, so `npm run token` works without knowing the port),
 * the server's own key set, and its own origins as the browser origins of the protected routes.
 */
export function localEnvironment(port: number): Record<string, string> {
  return {
    JWT_ISSUER: LOCAL_ISSUER,
    JWT_AUDIENCE: LOCAL_AUDIENCE,
    JWKS_URL: `http://127.0.0.1:${port}${JWKS_PATH}`,
    CORS_ALLOWED_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
  };
}
