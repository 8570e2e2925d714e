/**
 * Environment, read once and validated at start-up: a function with a missing or malformed setting fails
 * on its first (cold) start with a message naming the variable, not on some later request.
 */
import * as z from 'zod';

const schema = z.object({
  TABLE_NAME: z.string().min(3, 'TABLE_NAME must name the DynamoDB table'),
  SEGMENT_QUEUE_URL: z.url().optional(),
  /** Set only locally / in tests: the DynamoDB Local endpoint. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default('us-east-1'),
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
