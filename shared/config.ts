/**
 * Environment, read once and validated at start-up: a function with a missing or malformed setting fails
 * on its first (cold) start with a message naming the variable, not on some later request.
 */
import * as z from 'zod/mini';

// zod/mini (the lookup function validates its configuration too, and ships no classic zod). Mini loads no
// locale, so the messages classic zod would give are spelled out: an environment value is a string or absent.
const MISSING = 'Invalid input: expected string, received undefined';
const url = () => z.optional(z.url({ error: 'Invalid URL' }));

const schema = z.object({
  TABLE_NAME: z.string({ error: MISSING }).check(z.minLength(3, 'TABLE_NAME must name the DynamoDB table')),
  SEGMENT_QUEUE_URL: url(),
  /** Set only locally / in tests: the DynamoDB Local endpoint. */
  DYNAMODB_ENDPOINT: url(),
  AWS_REGION: z._default(z.string({ error: MISSING }), 'us-east-1'),
  /** 'true' where the table deletes days by TTL (AWS, set by the table's binding): old months cannot be rerun. */
  DAYS_EXPIRE: z.optional(z.enum(['true', 'false'], { error: 'DAYS_EXPIRE must be true or false' })),
});

export type Config = z.infer<typeof schema>;

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * The token check of the protected routes (shared/http/auth.ts), validated when a function that serves a
 * protected route starts: issuer and audience are deploy-time settings; the key set is fetched from
 * JWKS_URL (default `<issuer>/.well-known/jwks.json`); CORS_ALLOWED_ORIGINS are the browser origins
 * (the Seller Center's) that protected routes answer with CORS headers.
 */
/** A comma-separated setting as its items (blanks dropped): audiences, origins (also infra/settings.ts). */
export const list = (value: string) => value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
/** A browser origin: scheme and host, no path. */
export const ORIGIN_RE = /^https?:\/\/[^/\s]+$/;

const authSchema = z.object({
  JWT_ISSUER: z.string({ error: MISSING }).check(z.minLength(1, 'JWT_ISSUER must name the token issuer (the iss claim)')),
  JWT_AUDIENCE: z.string({ error: MISSING }).check(z.refine((v) => list(v).length > 0, 'JWT_AUDIENCE must list one or more comma-separated audiences')),
  JWKS_URL: url(),
  CORS_ALLOWED_ORIGINS: z.optional(
    z.string().check(z.refine((v) => list(v).every((o) => ORIGIN_RE.test(o)), 'CORS_ALLOWED_ORIGINS must be comma-separated origins such as https://seller.example.com (scheme and host, no path)')),
  ),
});

export interface AuthConfig {
  issuer: string;
  audiences: string[];
  jwksUrl: URL;
  allowedOrigins: string[];
}

export function readAuthConfig(env: Record<string, string | undefined> = process.env): AuthConfig {
  const parsed = authSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    issuer: c.JWT_ISSUER,
    audiences: list(c.JWT_AUDIENCE),
    jwksUrl: new URL(c.JWKS_URL ?? `${c.JWT_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`),
    allowedOrigins: list(c.CORS_ALLOWED_ORIGINS ?? ''),
  };
}

/**
 * ORIGIN_VERIFY_SECRET (set in AWS only): the value of the header CloudFront adds to every origin request.
 * A request without it did not come through the CDN (its cache, WAF and rate limits) and is refused.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

const edgeSchema = z.object({
  ORIGIN_VERIFY_SECRET: z.optional(z.string().check(z.minLength(32, 'ORIGIN_VERIFY_SECRET must be at least 32 characters'))),
});

export function readEdgeConfig(env: Record<string, string | undefined> = process.env): { originSecret?: string } {
  const parsed = edgeSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.ORIGIN_VERIFY_SECRET === undefined ? {} : { originSecret: parsed.data.ORIGIN_VERIFY_SECRET };
}
