/**
 * Batch calls that lose nothing. Throttled or failed *calls* are retried by the SDK's own retry strategy
 * (adaptive mode, shared/store/client.ts); what the SDK cannot retry is a call that succeeds but hands part
 * of its batch back (BatchWriteItem UnprocessedItems, BatchGetItem UnprocessedKeys, SendMessageBatch
 * Failed entries). `resendUnprocessed` is the one loop that re-sends that part, with exponential backoff and
 * full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), until done or the attempts run out.
 */
import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = NonNullable<NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]>[number];
type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const DEFAULTS = { attempts: 10, baseDelayMs: 25, maxDelayMs: 2_000 };

export class UnprocessedError extends Error {
  constructor(what: string, left: number) {
    super(`${left} ${what} still unprocessed after retries`);
    this.name = 'UnprocessedError';
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends `entries` with `send`, which returns the entries the service handed back unprocessed, and sends
 * those again after a jittered backoff until none is left; throws UnprocessedError when attempts run out.
 */
export async function resendUnprocessed<T>(what: string, entries: T[], send: (pending: T[]) => Promise<T[]>, options: RetryOptions = {}): Promise<void> {
  const attempts = options.attempts ?? DEFAULTS.attempts;
  const base = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  let pending = entries;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= attempts) throw new UnprocessedError(what, pending.length);
    if (attempt > 0) await pause(Math.random() * Math.min(cap, base * 2 ** attempt));
    pending = await send(pending);
  }
}

/** Batch calls in flight at once per caller: enough to overlap latency, few enough not to queue on sockets. */
const BATCHES_IN_FLIGHT = 16;

/** Runs `fn` over `items` with at most `limit` calls at once; resolves with the results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Splits into chunks of `size` (DynamoDB: 25 writes or 100 keys per batch call). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Writes every request (puts or deletes) of one table, 25 per call, re-sending unprocessed ones. */
export async function batchWriteAll(doc: DynamoDBDocumentClient, table: string, requests: WriteRequest[], options: RetryOptions = {}) {
  await mapLimited(chunks(requests, 25), BATCHES_IN_FLIGHT, (chunk) =>
    resendUnprocessed(
      'writes',
      chunk,
      async (pending) => {
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
        return (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      },
      options,
    ),
  );
}

/** How batchGetAll reads: some attributes only, and/or strongly consistent reads. */
export interface BatchReadOptions {
  projection?: { expression: string; names: Record<string, string> };
  consistent?: boolean;
}

/** Reads every key of one table, 100 per call in parallel, re-sending unprocessed keys. Order is not kept. */
export async function batchGetAll(doc: DynamoDBDocumentClient, table: string, keys: Key[], read: BatchReadOptions = {}, options: RetryOptions = {}): Promise<Item[]> {
  const { projection, consistent } = read;
  const results = await Promise.all(
    chunks(keys, 100).map(async (chunk) => {
      const items: Item[] = [];
      await resendUnprocessed(
        'keys',
        chunk,
        async (pending) => {
          const out = await doc.send(
            new BatchGetCommand({
              RequestItems: {
                [table]: {
                  Keys: pending,
                  ...(projection ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names } : {}),
                  ...(consistent ? { ConsistentRead: true } : {}),
                },
              },
            }),
          );
          items.push(...((out.Responses?.[table] ?? []) as Item[]));
          return (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
        },
        options,
      );
      return items;
    }),
  );
  return results.flat();
}
