/**
 * Integration-test harness: one DynamoDB Local per test file (the official engine, in memory), a fresh
 * table per call of `table()`, and services over it with a controllable clock.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { useServices } from '../../shared/runtime';
import { createDocumentClient } from '../../shared/store/client';
import { createServices, type SegmentQueue, type Services } from '../../shared/usecases/services';
import { localClientConfig, startDynamoDbLocal, type DynamoDbLocalHandle } from '../../functions/local/dynamodb-local';
import { createTable } from '../../functions/local/tables';

export interface TestClock {
  now: Date;
  (): Date;
}

export function testClock(iso: string): TestClock {
  const clock = (() => clock.now) as TestClock;
  clock.now = new Date(iso);
  return clock;
}

export interface TestDb {
  endpoint: string;
  /** DynamoDB Local's java process (for CPU figures). */
  pid: number;
  raw: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** A new, empty table with the production key schema; returns its name. */
  table: () => Promise<string>;
  stop: () => Promise<void>;
}

export async function startTestDb(): Promise<TestDb> {
  const db: DynamoDbLocalHandle = await startDynamoDbLocal();
  const config = localClientConfig(db.endpoint);
  const raw = new DynamoDBClient(config);
  const doc = createDocumentClient(config);
  return {
    endpoint: db.endpoint,
    pid: db.pid,
    raw,
    doc,
    table: async () => {
      const name = `t-${randomUUID().slice(0, 8)}`;
      await createTable(raw, name);
      return name;
    },
    stop: async () => {
      raw.destroy();
      doc.destroy();
      await db.stop();
    },
  };
}

/** Services over a table of the test database; pass a queue (e.g. LocalSegmentQueue) for runs. */
export function testServices(db: TestDb, table: string, opts: { clock?: () => Date; queue?: SegmentQueue; doc?: DynamoDBDocumentClient } = {}): Services {
  return createServices({ doc: opts.doc ?? db.doc, table, clock: opts.clock, queue: opts.queue, retry: { baseDelayMs: 1, maxDelayMs: 20 } });
}

/** The queue's handlers as the local stack runs them: the real worker and dead-letter functions. */
export interface RunHandlers {
  worker: (event: SQSEvent) => Promise<SQSBatchResponse>;
  deadLetter: (event: SQSEvent) => Promise<void>;
}

/**
 * Imports the worker and dead-letter handlers for a test file. They build their services at import, so
 * services over a table of `db` are installed first; each test then installs its own (useServices).
 */
export async function importRunHandlers(db: TestDb): Promise<RunHandlers> {
  useServices(testServices(db, await db.table()));
  const { handler: worker } = await import('../../functions/worker/handler');
  const { handler: deadLetter } = await import('../../functions/dead-letter/handler');
  return { worker, deadLetter };
}
