/** `badges runs start | list | show | retry`: evaluation runs through /v1/evaluations. */
import type { RunDiff, RunStatus, StartRunBody, ThresholdChange } from './api-types';
import type { Context } from './context';
import { fields, table } from './table';

/** How often a running run's status is read. */
export const POLL_MS = 500;

export function renderRun(run: RunStatus): string {
  const parts = [
    fields([
      ['run', run.runId],
      ['month', run.month],
      ['markets', run.markets.join(', ')],
      ['dry run', run.dryRun ? 'yes' : 'no'],
      ['trigger', run.trigger],
      ['state', run.state],
      ['started', run.startedAt],
      ['finished', run.finishedAt],
      ...(run.segments ? [['segments', `${run.segments.done}/${run.segments.total} done`] as [string, string]] : []),
      ...(run.reason ? [['reason', run.reason] as [string, string]] : []),
      ...(run.changes ? [['changes', run.changes.map(describeChange).join(' ')] as [string, string]] : []),
    ]),
    '',
    table(['evaluated', 'awarded', 'failed'], [[run.shops.evaluated, run.shops.awarded, run.shops.failed]]),
  ];
  const failures = run.failures;
  if (failures.length > 0) {
    const more = run.shops.failed > failures.length ? ` (first ${failures.length} of ${run.shops.failed})` : '';
    parts.push('', `failed shops${more}:`, table(['shop', 'message'], failures.map((f) => [f.shopId, f.message])));
    parts.push('', `retry them: badges runs retry ${run.runId}`);
  }
  if (run.diff) parts.push('', renderDiff(run.diff, run.shops.evaluated));
  return parts.join('\n');
}

export function renderDiff(diff: RunDiff, evaluated?: number): string {
  const differing = diff.gained + diff.lost + diff.changed;
  const parts = ['diff against the stored month records:', table(['gained', 'lost', 'changed', 'unchanged'], [[diff.gained, diff.lost, diff.changed, diff.unchanged]])];
  const programs = Object.entries(diff.byProgram).sort(([a], [b]) => a.localeCompare(b));
  if (programs.length > 0) parts.push('', table(['program', 'before', 'after', 'change'], programs.map(([p, c]) => [p, c.before, c.after, signed(c.after - c.before)])));
  const failing = Object.entries(diff.failing).sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb));
  if (failing.length > 0) parts.push('', table(['failing criterion', 'shops'], failing));
  if (diff.shops.length > 0) {
    const note = differing > diff.shops.length ? ` (first ${diff.shops.length} of ${differing}; all of them: badges diff RUNID --csv)` : '';
    parts.push('', `shops that differ${note}:`, table(['shop', 'before', 'after'], diff.shops.map((s) => [s.shopId, s.before ?? '-', s.after ?? '-'])));
  }
  if (evaluated !== undefined && diff.gained + diff.lost + diff.changed + diff.unchanged !== evaluated) {
    parts.push('', `note: the diff covers ${differing + diff.unchanged} shops, the run evaluated ${evaluated}`);
  }
  return parts.join('\n');
}

/** A change as `--change` takes it: `top-choice.volume.completedOrders=200`, `top-choice.shop-rating=TH:4.5`. */
export function describeChange(change: ThresholdChange): string {
  const target = [change.program, change.criterion, ...(change.metric ? [change.metric] : [])].join('.');
  const value = typeof change.threshold === 'object' ? Object.entries(change.threshold).map(([m, t]) => `${m}:${String(t)}`).join(',') : String(change.threshold);
  return `${target}=${value}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/** Whether a finished run's work failed: the run itself, or some of its shops. */
export function runFailed(run: RunStatus): boolean {
  return run.state === 'failed' || run.shops.failed > 0;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the run's status until it is no longer running, with a progress bar on standard error. */
export async function waitForRun(ctx: Context, runId: string, pollMs = POLL_MS): Promise<RunStatus> {
  const read = () => ctx.client.json<RunStatus>('GET', `/v1/evaluations/${encodeURIComponent(runId)}`);
  let run = await read();
  // The bar counts segments (a run has at least one); without them it can only show the end.
  const bySegments = (run.segments?.total ?? 0) > 0;
  const counts = '{evaluated} shops evaluated, {awarded} awarded, {failed} failed | {duration_formatted}';
  const bar = ctx.out.bar(bySegments ? `run ${run.month} {markets} |{bar}| {value}/{total} segments | ${counts}` : `run ${run.month} {markets} | ${counts}`);
  const payload = (r: RunStatus) => ({ markets: r.markets.join(','), ...r.shops });
  const done = (r: RunStatus) => (bySegments ? (r.segments?.done ?? 0) : r.state === 'running' ? 0 : 1);
  bar.start(bySegments ? run.segments!.total : 1, done(run), payload(run));
  try {
    while (run.state === 'running') {
      await pause(pollMs);
      run = await read();
      bar.update(done(run), payload(run));
    }
  } finally {
    bar.stop();
  }
  return run;
}

export interface StartOptions {
  wait: boolean;
  pollMs?: number;
}

/** POST /v1/evaluations, then (unless --no-wait) the run followed to its end. */
export async function startRun(ctx: Context, body: StartRunBody, options: StartOptions): Promise<number> {
  const { runId } = await ctx.client.json<{ runId: string }>('POST', '/v1/evaluations', body);
  if (!options.wait) {
    ctx.out.result({ runId }, () => runId);
    return 0;
  }
  ctx.out.note(`started run ${runId}`);
  const run = await waitForRun(ctx, runId, options.pollMs);
  ctx.out.result(run, () => renderRun(run));
  // A run with failed shops ends `failed`: point at the retry; a run that failed as a whole has a reason.
  if (run.shops.failed > 0) ctx.out.note(`run ${runId} ${run.state}: ${run.shops.failed} shops failed: badges runs retry ${runId}`);
  else if (run.state === 'failed') ctx.out.note(`run ${runId} failed${run.reason ? `: ${run.reason}` : ''}`);
  return runFailed(run) ? 1 : 0;
}

export async function listRuns(ctx: Context, month: string, market: string | undefined): Promise<number> {
  const query = new URLSearchParams({ month });
  if (market) query.set('market', market);
  const answer = await ctx.client.json<{ runs: RunStatus[] }>('GET', `/v1/evaluations?${query}`);
  ctx.out.result(answer, () => {
    if (answer.runs.length === 0) return `no runs for ${month}${market ? ` in ${market}` : ''}`;
    return table(
      ['run', 'trigger', 'markets', 'dry run', 'state', 'evaluated', 'awarded', 'failed', 'started', 'finished'],
      answer.runs.map((r) => [r.runId, r.trigger, r.markets.join(','), r.dryRun ? 'yes' : 'no', r.state, r.shops.evaluated, r.shops.awarded, r.shops.failed, r.startedAt, r.finishedAt]),
    );
  });
  return 0;
}

export async function showRun(ctx: Context, runId: string): Promise<number> {
  const run = await ctx.client.json<RunStatus>('GET', `/v1/evaluations/${encodeURIComponent(runId)}`);
  ctx.out.result(run, () => renderRun(run));
  return 0;
}

/** Evaluates again the shops a run failed (the status lists up to 100 of them; run it again for more). */
export async function retryRun(ctx: Context, runId: string, options: StartOptions): Promise<number> {
  const run = await ctx.client.json<RunStatus>('GET', `/v1/evaluations/${encodeURIComponent(runId)}`);
  if (run.state === 'running') {
    ctx.out.note(`run ${runId} is still running: wait for it (badges runs show ${runId}) before retrying its failures`);
    ctx.out.result(run, () => renderRun(run));
    return 1;
  }
  const shopIds = [...new Set(run.failures.map((f) => f.shopId))];
  if (shopIds.length === 0 && run.state === 'failed' && run.shops.failed === 0) {
    ctx.out.note(`run ${runId} failed as a whole${run.reason ? ` (${run.reason})` : ''}, not shop by shop: start the month again (badges runs start --month ${run.month} --markets ${run.markets.join(',')})`);
    ctx.out.result(run, () => renderRun(run));
    return 1;
  }
  if (shopIds.length === 0) {
    ctx.out.note(run.shops.failed > 0 ? `run ${runId} counts ${run.shops.failed} failed shops but lists none: start the month again (badges runs start --month ${run.month})` : `nothing to retry: no shop failed in run ${runId}`);
    ctx.out.result(run, () => renderRun(run));
    return run.shops.failed > 0 ? 1 : 0;
  }
  if (run.shops.failed > shopIds.length) ctx.out.note(`retrying the ${shopIds.length} failed shops the run lists (of ${run.shops.failed}); for the others, start the month again`);
  else ctx.out.note(`retrying ${shopIds.length} failed shops of run ${runId}`);
  // A simulation's retry tries the same thresholds.
  return startRun(ctx, { month: run.month, markets: run.markets, dryRun: run.dryRun, shopIds, ...(run.changes ? { changes: run.changes } : {}) }, options);
}
