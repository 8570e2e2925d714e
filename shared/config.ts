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
