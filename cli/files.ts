/** `badges ingest FILE` and `badges diff RUNID [--csv] [--out FILE]`: the commands that move files. */
import { createWriteStream } from 'node:fs';
import { access, constants, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RunStatus } from './api-types';
import type { Context } from './context';
import { ingestFile, type IngestResult } from './ingest';
import { renderDiff } from './runs';
import { table } from './table';
import { UsageError } from './usage';

/** Rejected rows shown in the terminal; --json lists them all. */
const SHOWN_REJECTIONS = 50;

export function renderIngest(file: string, result: IngestResult): string {
  const lines = [`${file}: ${result.records.toLocaleString('en-US')} records, ${result.accepted.toLocaleString('en-US')} accepted, ${result.rejected.length.toLocaleString('en-US')} rejected`];
  if (result.rejected.length > 0) {
    const rows = result.rejected.slice(0, SHOWN_REJECTIONS).flatMap((r) => r.errors.map((e) => [r.line, r.shopId ?? '-', e.path || '-', e.message]));
    lines.push('', table(['line', 'shop', 'field', 'problem'], rows));
    if (result.rejected.length > SHOWN_REJECTIONS) lines.push(`... and ${result.rejected.length - SHOWN_REJECTIONS} more rejected rows (--json lists them all)`);
  }
  return lines.join('\n');
}

export async function ingestCommand(ctx: Context, file: string, concurrency: number): Promise<number> {
  try {
    await access(file, constants.R_OK);
  } catch {
    throw new UsageError(`cannot read ${file}: no such file, or not readable`);
  }
  const bar = ctx.out.bar(`ingest |{bar}| {percentage}% | {records} records, {accepted} accepted, {rejected} rejected | {duration_formatted}`);
  bar.start(1, 0, { records: 0, accepted: 0, rejected: 0 });
  let result: IngestResult;
  try {
    result = await ingestFile(ctx.client, file, {
      concurrency,
      onProgress: (p) => {
        bar.setTotal(Math.max(p.totalBytes, 1));
        bar.update(p.bytesRead, { records: p.records, accepted: p.accepted, rejected: p.rejected });
      },
    });
  } finally {
    bar.stop();
  }
  const { records, accepted, rejected } = result;
  ctx.out.result({ records, accepted, rejected }, () => renderIngest(file, result));
  return rejected.length > 0 ? 1 : 0;
}

export async function diffCommand(ctx: Context, runId: string, options: { csv?: boolean; out?: string }): Promise<number> {
  const path = `/v1/evaluations/${encodeURIComponent(runId)}`;
  if (!options.csv) {
    if (options.out) throw new UsageError('--out writes the CSV download: add --csv');
    const run = await ctx.client.json<RunStatus>('GET', path);
    if (!run.diff) {
      ctx.out.note(run.dryRun && run.state === 'running' ? `run ${runId} is still running: its diff comes when it succeeds` : `run ${runId} has no diff (only a succeeded dry run carries one)`);
      ctx.out.result(run, () => `run ${runId}: ${run.state}${run.dryRun ? ', dry run' : ''}`);
      return 1;
    }
    const diff = run.diff;
    ctx.out.result(run, () => renderDiff(diff, run.shops.evaluated));
    return 0;
  }
  if (ctx.out.json && !options.out) throw new UsageError('--csv writes CSV to standard output: drop --json, or add --out FILE');
  const res = await ctx.client.send('GET', `${path}/diff.csv`);
  if (!res.body) throw new Error('the diff.csv answer has no body');
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  if (!options.out) {
    await pipeline(body, process.stdout, { end: false });
    return 0;
  }
  try {
    await pipeline(body, createWriteStream(options.out));
  } catch (error) {
    await rm(options.out, { force: true });
    throw error;
  }
  ctx.out.note(`wrote the diff of run ${runId} to ${options.out}`);
  if (ctx.out.json) ctx.out.result({ runId, file: options.out }, () => options.out ?? '');
  return 0;
}
