/**
 * `badges ingest FILE`: the file's records go to POST /v1/metrics in batches of 1,000 (the contract's
 * maximum), a few batches in flight at once so the service, not the client, sets the pace. Rejected
 * records are reported by the line they start on in the file (the API names them by their index in the
 * batch). Sending a day again replaces it (contract: "Daily metrics"), so a batch that met a transient
 * error (5xx, 429, a reset connection) is simply sent again.
 */
import { stat } from 'node:fs/promises';
import type { IngestAnswer } from './api-types';
import { ApiError, ConnectionError, type ApiClient } from './client';
import { openRecordsFile, type SourceRow } from './records-file';

/** The contract's batch limits: 1,000 records and 1 MiB. */
export const MAX_BATCH_RECORDS = 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const ATTEMPTS = 4;

export interface RejectedRow {
  line: number;
  shopId?: string;
  errors: { path?: string; message: string }[];
}

export interface IngestResult {
  /** Records read from the file (sent, or rejected before sending). */
  records: number;
  accepted: number;
  rejected: RejectedRow[];
}

export interface IngestProgress {
  records: number;
  accepted: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

export interface IngestOptions {
  batchSize?: number;
  /** Batches in flight at once (4). */
  concurrency?: number;
  onProgress?: (progress: IngestProgress) => void;
}

/** A batch failed for good (after retries); the message names its lines. */
export class BatchError extends Error {
  constructor(
    message: string,
    readonly reason: ApiError | ConnectionError,
    readonly partial: IngestResult,
  ) {
    super(message);
    this.name = 'BatchError';
  }
}

interface Batch {
  lines: number[];
  records: Record<string, unknown>[];
}

function transient(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504;
  return error instanceof ConnectionError && !/connection refused|unknown host/.test(error.reason);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function postBatch(client: ApiClient, body: string): Promise<IngestAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.postText<IngestAnswer>('/v1/metrics', body);
    } catch (error) {
      if (attempt >= ATTEMPTS || !transient(error)) throw error;
      await pause(100 * 2 ** attempt);
    }
  }
}

/** Sends one batch (split in halves while its body is over 1 MiB); rejected rows come back with their lines. */
async function sendBatch(client: ApiClient, batch: Batch): Promise<{ accepted: number; rejected: RejectedRow[] }> {
  const body = JSON.stringify({ records: batch.records });
  if (body.length > MAX_BODY_BYTES / 4 && Buffer.byteLength(body) > MAX_BODY_BYTES && batch.records.length > 1) {
    const half = Math.ceil(batch.records.length / 2);
    const [a, b] = await Promise.all([
      sendBatch(client, { lines: batch.lines.slice(0, half), records: batch.records.slice(0, half) }),
      sendBatch(client, { lines: batch.lines.slice(half), records: batch.records.slice(half) }),
    ]);
    return { accepted: a.accepted + b.accepted, rejected: [...a.rejected, ...b.rejected] };
  }
  const answer = await postBatch(client, body);
  const rejected = answer.rejected.map((r) => ({ line: batch.lines[r.index] ?? -1, shopId: r.shopId, errors: r.errors }));
  return { accepted: answer.accepted, rejected };
}

/** Sends rows (from a file, or built in memory) and reports what the API accepted and rejected. */
export async function ingestRows(client: ApiClient, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: IngestOptions & { bytesRead?: () => number; totalBytes?: number } = {}): Promise<IngestResult> {
  const batchSize = options.batchSize ?? MAX_BATCH_RECORDS;
  const concurrency = options.concurrency ?? 4;
  const result: IngestResult = { records: 0, accepted: 0, rejected: [] };
  const inFlight = new Set<Promise<void>>();
  let failure: BatchError | undefined;

  const report = () =>
    options.onProgress?.({
      records: result.records,
      accepted: result.accepted,
      rejected: result.rejected.length,
      bytesRead: options.bytesRead?.() ?? 0,
      totalBytes: options.totalBytes ?? 0,
    });
  const dispatch = (batch: Batch) => {
    const sending = sendBatch(client, batch).then(
      (out) => {
        result.accepted += out.accepted;
        result.rejected.push(...out.rejected);
        report();
      },
      (error: unknown) => {
        const lines = `lines ${batch.lines[0]}-${batch.lines.at(-1)}`;
        if (error instanceof ApiError || error instanceof ConnectionError) failure ??= new BatchError(`the batch of ${lines} was not stored: ${error.message}`, error, result);
        else throw error;
      },
    );
    const tracked = sending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  let batch: Batch = { lines: [], records: [] };
  for await (const row of rows) {
    result.records++;
    if ('error' in row) {
      result.rejected.push({ line: row.line, errors: [{ message: row.error }] });
      continue;
    }
    batch.lines.push(row.line);
    batch.records.push(row.record);
    if (batch.records.length === batchSize) {
      dispatch(batch);
      batch = { lines: [], records: [] };
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      // Stop reading once a batch failed for good: the operator fixes the cause and sends the file again.
      if (failure) break;
    }
  }
  if (!failure && batch.records.length > 0) dispatch(batch);
  await Promise.all(inFlight);
  if (failure) throw failure;
  result.rejected.sort((a, b) => a.line - b.line);
  report();
  return result;
}

/** `badges ingest FILE`: NDJSON or CSV of daily records. */
export async function ingestFile(client: ApiClient, file: string, options: IngestOptions = {}): Promise<IngestResult & { format: string }> {
  const totalBytes = (await stat(file)).size;
  const source = await openRecordsFile(file);
  const out = await ingestRows(client, source.rows, { ...options, bytesRead: source.bytesRead, totalBytes });
  return { ...out, format: source.format };
}
