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
 * - Bare: the same 100 batches, serialised before timing, posted with fetch, the same number in flight,
 *   nothing else. Every record replaces an existing day on both sides (an untimed pass loads them first).
 * - Order: bare, CLI, CLI, bare (ABBA), so that a busy moment of the shared machine falls on both; each
 *   side's throughput is its records over its summed time. Every pass must accept all records.
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
    const file = join(dir, 'records.ndjson');
    writeFileSync(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const bodies: string[] = [];
    for (let i = 0; i < records.length; i += MAX_BATCH_RECORDS) bodies.push(JSON.stringify({ records: records.slice(i, i + MAX_BATCH_RECORDS) }));
    log(`${records.length.toLocaleString('en-US')} records of ${shops} shops, ${bodies.length} batches, ${concurrency} in flight`);

    const client = new ApiClient({ api: stack.url, token: stack.operatorToken });
    const bare = async () => {
      const started = performance.now();
      const accepted = await postBare(stack.url, stack.operatorToken, bodies, concurrency);
      if (accepted !== records.length) throw new Error(`bare client: ${accepted} of ${records.length} accepted`);
      return performance.now() - started;
    };
    const cli = async () => {
      const started = performance.now();
      const out = await ingestFile(client, file, { concurrency });
      if (out.accepted !== records.length || out.rejected.length > 0) throw new Error(`CLI: ${out.accepted} of ${records.length} accepted, ${out.rejected.length} rejected`);
      return performance.now() - started;
    };

    log('untimed first pass (creates the days)...');
    await bare();
    const times = { bare: 0, cli: 0 };
    for (const side of ['bare', 'cli', 'cli', 'bare'] as const) {
      const ms = side === 'bare' ? await bare() : await cli();
      times[side] += ms;
      log(`${side}: ${(ms / 1e3).toFixed(1)} s, ${Math.round(records.length / (ms / 1e3)).toLocaleString('en-US')} records/s`);
    }
    const cliPerSecond = (2 * records.length) / (times.cli / 1e3);
    const barePerSecond = (2 * records.length) / (times.bare / 1e3);
    return {
      records: records.length,
      concurrency,
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
