/**
 * The operator CLI's ingest against a bare HTTP client, on the local stack (DynamoDB Local, the real
 * ingest handler behind the local gateway), both in this process: `cli.ingestRatioVsBare` is the CLI's
 * throughput over the bare client's (target >= 0.8).
 *
 * - Data (untimed): `shops` (1,000) TH profiles through putShop, and `days` (100) healthy daily records
 *   each, 100,000 records, written as one NDJSON file.
 * - CLI: ingestFile (cli/ingest.ts), the code path of `badges ingest FILE`: it streams the file, parses
 *   each line, batches 1,000 records, keeps `concurrency` (4) batches in flight and maps rejections
 *   back to lines.
 * - Bare: the same batches, serialised before timing, posted with fetch, the same number in flight,
 *   nothing else. Every record replaces an existing day on both sides (an untimed pass loads them first).
 * - Order: the records are cut into `slices` (10) files of whole batches; slice by slice the CLI ingests
 *   the file and the bare client posts the same batches back to back, the order flipped every slice, so
 *   that the busy moments of a shared machine (load from other processes swings a pass by 30%) fall on
 *   both alike. Each side's throughput is all records over its summed time. Every pass must accept
 *   every record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiClient } from '../../cli/client';
import { ingestFile, MAX_BATCH_RECORDS } from '../../cli/ingest';
import { startLocalStack } from '../../functions/local/stack';
import { addDays, localDate, timeZoneOf, type LocalDate } from '../../shared/domain/calendar';
import type { DailyRecord } from '../../shared/domain/metrics';
import { putShop } from '../../shared/usecases/ingest';
import { healthyDay } from '../support/records';
import type { Section } from './run';

export interface BenchCliOptions {
  shops?: number;
  days?: number;
  concurrency?: number;
  slices?: number;
  log?: (line: string) => void;
}

interface IngestAnswer {
  accepted: number;
  rejected: unknown[];
}

async function postBare(url: string, token: string, bodies: string[], concurrency: number): Promise<number> {
  let next = 0;
  let accepted = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const res = await fetch(`${url}/v1/metrics`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`bare client: POST /v1/metrics answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const answer = (await res.json()) as IngestAnswer;
      if (answer.rejected.length > 0) throw new Error(`bare client: ${answer.rejected.length} records rejected`);
      accepted += answer.accepted;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return accepted;
}

export async function benchCli(options: BenchCliOptions = {}): Promise<Record<string, unknown>> {
  const log = options.log ?? (() => undefined);
  const shops = options.shops ?? 1_000;
  const days = options.days ?? 100;
  const concurrency = options.concurrency ?? 4;
  const sliceCount = options.slices ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const stack = await startLocalStack({ port: 0, demo: false });
  try {
    // Days up to two days ago in Bangkok: never "after today in the market".
    const last = addDays(localDate(new Date(), timeZoneOf('TH')), -2);
    const first = addDays(last, -(days - 1));
    const ids = Array.from({ length: shops }, (_, i) => `bench-cli-${String(i).padStart(5, '0')}`);
    for (const shopId of ids) await putShop(stack.services, shopId, { market: 'TH', onboardedAt: addDays(first, -120), certifications: [] });
    const records: DailyRecord[] = [];
    for (let d = 0; d < days; d++) {
      const date: LocalDate = addDays(first, d);
      for (const shopId of ids) records.push(healthyDay(shopId, date, { ordersPlaced: 10 + (d % 5), ordersShipped: 10 + (d % 5) }));
    }
    // Slices of whole batches: one NDJSON file each for the CLI, the same batches serialised for the bare client.
    const batchesPerSlice = Math.ceil(records.length / MAX_BATCH_RECORDS / sliceCount);
    const slices: { file: string; bodies: string[]; records: number }[] = [];
    for (let start = 0; start < records.length; start += batchesPerSlice * MAX_BATCH_RECORDS) {
      const part = records.slice(start, start + batchesPerSlice * MAX_BATCH_RECORDS);
      const file = join(dir, `records-${slices.length}.ndjson`);
      writeFileSync(file, `${part.map((r) => JSON.stringify(r)).join('\n')}\n`);
      const bodies: string[] = [];
      for (let i = 0; i < part.length; i += MAX_BATCH_RECORDS) bodies.push(JSON.stringify({ records: part.slice(i, i + MAX_BATCH_RECORDS) }));
      slices.push({ file, bodies, records: part.length });
    }
    log(`${records.length.toLocaleString('en-US')} records of ${shops} shops, ${slices.length} slices of ${batchesPerSlice} batches, ${concurrency} in flight`);

    const client = new ApiClient({ api: stack.url, token: stack.operatorToken });
    const bare = async (slice: (typeof slices)[number]) => {
      const started = performance.now();
      const accepted = await postBare(stack.url, stack.operatorToken, slice.bodies, concurrency);
      if (accepted !== slice.records) throw new Error(`bare client: ${accepted} of ${slice.records} accepted`);
      return performance.now() - started;
    };
    const cli = async (slice: (typeof slices)[number]) => {
      const started = performance.now();
      const out = await ingestFile(client, slice.file, { concurrency });
      if (out.accepted !== slice.records || out.rejected.length > 0) throw new Error(`CLI: ${out.accepted} of ${slice.records} accepted, ${out.rejected.length} rejected`);
      return performance.now() - started;
    };

    log('untimed first pass (creates the days)...');
    for (const slice of slices) await bare(slice);
    const times = { bare: 0, cli: 0 };
    for (const [i, slice] of slices.entries()) {
      const order = i % 2 === 0 ? (['bare', 'cli'] as const) : (['cli', 'bare'] as const);
      for (const side of order) times[side] += side === 'bare' ? await bare(slice) : await cli(slice);
    }
    for (const side of ['bare', 'cli'] as const) log(`${side}: ${(times[side] / 1e3).toFixed(1)} s, ${Math.round(records.length / (times[side] / 1e3)).toLocaleString('en-US')} records/s`);
    const cliPerSecond = records.length / (times.cli / 1e3);
    const barePerSecond = records.length / (times.bare / 1e3);
    return {
      records: records.length,
      concurrency,
      slices: slices.length,
      cliRecordsPerSecond: Math.round(cliPerSecond),
      bareRecordsPerSecond: Math.round(barePerSecond),
      ingestRatioVsBare: Number((cliPerSecond / barePerSecond).toFixed(3)),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cliSection: Section = {
  name: 'cli',
  run: async (ctx) => benchCli({ log: ctx.log }),
  targets: [{ metric: 'ingestRatioVsBare', min: 0.8 }],
};
