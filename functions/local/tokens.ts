/**
 * Local bearer tokens: an ES256 key pair generated once under .local/keys/, tokens for an operator or a
 * shop's seller, and their verification by the local gateway (the AWS JWT authorizer's job in the cloud).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LOCAL_ISSUER = 'https://seller-badges.local/';
export const LOCAL_AUDIENCE = 'seller-badges';
const ALG = 'ES256';
const TOKEN_LIFETIME = '12h';

type Key = Awaited<ReturnType<typeof importJWK>>;

export interface KeyPair {
  privateKey: Key;
  publicKey: Key;
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
  return { privateKey: await importJWK(privateKey, ALG), publicKey: await importJWK(publicKey, ALG) };
}

export type Subject = { operator: true } | { shopId: string };

export async function mintToken(keys: Pick<KeyPair, 'privateKey'>, who: Subject, lifetime: string | number = TOKEN_LIFETIME): Promise<string> {
  const claims: JWTPayload = 'operator' in who ? { scope: 'badges:admin' } : { shop_id: who.shopId };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject('operator' in who ? 'operator' : `seller:${who.shopId}`)
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(keys.privateKey);
}

/** The claims of a valid token (signature, ES256 only, issuer, audience, expiry), or null. */
export async function verifyToken(keys: Pick<KeyPair, 'publicKey'>, authorization: string | undefined): Promise<JWTPayload | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return null;
  try {
    const { payload } = await jwtVerify(match[1] as string, keys.publicKey, {
      algorithms: [ALG],
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      // Like API Gateway's JWT authorizer: a token without an expiry is not accepted.
      requiredClaims: ['exp'],
    });
    return payload;
  } catch {
    return null;
  }
}
