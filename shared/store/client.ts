/**
 * The DynamoDB DocumentClient every repository is given (created once per container, at module scope).
 * Throttled and failed calls are retried here, by the SDK's own strategy: adaptive mode adds client-side
 * rate limiting to the exponential backoff once DynamoDB throttles, so a burst of workers slows down
 * instead of failing shops. No repository has a retry loop of its own (shared/store/retry.ts only re-sends
 * the unprocessed part of a batch call that succeeded).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Attempts per call (the first one included) for request/response functions: a caller is waiting. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** The monthly run's worker: nobody waits on it, and a shop given up on is a failed shop to rerun. */
export const WORKER_MAX_ATTEMPTS = 10;

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS, ...config }), {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}
