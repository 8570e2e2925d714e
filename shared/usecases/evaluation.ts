/**
 * The monthly evaluation: a planner splits the markets' shops into segments (one market shard each, or one
 * chunk of named shops) and queues one message per segment; a worker evaluates a segment. Safe to repeat
 * at every step: records are keyed by shop + month and ordered by run, a segment already done is skipped
 * and its counts are added once, a revocation is never undone. The scheduled run of a market and month has
 * a fixed id, so however often the schedule is delivered it is one run.
 */
import { randomUUID } from 'node:crypto';
import {
  addDays,
  addMonths,
  assessmentPeriod,
  dueMonths,
  firstDay,
  firstMonthAfter,
  localDate,
  MARKET_CODES,
  monthContaining,
  periodEndsAt,
  periodHasEnded,
  timeZoneOf,
  type BadgeMonth,
  type LocalDate,
  type Market,
} from '../domain/calendar';
import { evaluateShop, type AwardedBadge, type ShopEvaluation } from '../domain/evaluate';
import { aggregate, type DailyRecord } from '../domain/metrics';
import { revocationDecision } from '../domain/revocation';
import { RulesCache, type ShopProfile } from '../domain/rules';
import { applyChanges, SimulationDiff, type PolicyDiff, type ThresholdChange } from '../domain/simulation';
import { badRequest, conflict, notFound } from '../errors';
import type { MonthRecord } from '../store/badges';
import { MAX_FAILURES_LISTED, type DiffRow, type Run, type RunTrigger, type ShopCounts, type ShopFailure } from '../store/runs';
import { chunks, mapLimited } from '../store/retry';
import type { Revocation } from '../store/shops';
import { runOrderOf } from '../store/keys';
import { daysKeptUntil } from '../store/metrics';
import { SHARDS_PER_MARKET } from '../store/table';
import type { SegmentMessage, Services } from './services';

export interface RunRequest {
  month: BadgeMonth;
  markets?: Market[];
  dryRun?: boolean;
  /** Only these shops (each must have a profile in the markets); absent = every shop of the markets. */
  shopIds?: string[];
  trigger?: Exclude<RunTrigger, 'schedule'>;
  /** A policy simulation (dry runs only): thresholds to try instead of the catalog's. */
  changes?: ThresholdChange[];
}

/** Shops evaluated at once by one worker: enough to hide DynamoDB latency, few enough not to throttle. */
const SHOP_CONCURRENCY = 16;

/** Named shops per segment of a run of named shops (1,000 shops: at most 10 segments per market). */
const SHOP_IDS_PER_SEGMENT = 100;

/**
 * A run's segments are queued again (by a repeated schedule delivery or the watchdog) only when their last
 * queueing is older than this: longer than the segment queue's 90-minute visibility timeout, so a segment a
 * worker still holds is not queued a second time while it runs.
 */
export const REQUEUE_AFTER_MS = 100 * 60_000;

/** The id of the scheduled run of a market and badge month: one run however often the schedule fires. */
export const scheduledRunId = (market: Market, month: BadgeMonth) => `sched-${market}-${month}`;

export function segmentsOf(run: Pick<Run, 'runId' | 'month' | 'markets' | 'dryRun' | 'startedAt'> & Pick<Partial<Run>, 'shopIds'>): SegmentMessage[] {
  const messages: SegmentMessage[] = [];
  const base = { runId: run.runId, month: run.month, runOrder: runOrderOf(run), dryRun: run.dryRun };
  for (const market of run.markets) {
    if (run.shopIds) {
      chunks(run.shopIds[market] ?? [], SHOP_IDS_PER_SEGMENT).forEach((shopIds, shard) => messages.push({ ...base, market, shard, shopIds }));
    } else {
      for (let shard = 0; shard < SHARDS_PER_MARKET; shard++) messages.push({ ...base, market, shard });
    }
  }
  return messages;
}

function refuseOpenPeriods(month: BadgeMonth, markets: Market[], now: Date): void {
  const open = markets.filter((m) => !periodHasEnded(month, m, now));
  if (open.length > 0) {
    throw conflict(
      `the assessment period of ${month} has not ended yet in ${open.join(', ')}; it can be evaluated from ${periodEndsAt(month, open[0] as Market).toISOString()}`,
      open.map((m) => ({ path: 'markets', message: `${m}: period ends ${periodEndsAt(month, m).toISOString()}`, market: m })),
    );
  }
}

/**
 * Where days expire (AWS), a month whose period's days are no longer kept in a requested market: a run
 * would evaluate every shop on missing data and write wrong records over the right ones (docs/scale.md
 * "Keeping the days"). Kept: the current badge month and the two before it, market-local.
 */
function refuseExpiredDays(month: BadgeMonth, markets: Market[], now: Date): void {
  const gone = markets.map((market) => ({ market, until: daysKeptUntil(month, market).toISOString() })).filter((m) => now.toISOString() >= m.until);
  const first = gone[0];
  if (!first) return;
  throw conflict(
    `the daily metrics of ${month} are no longer kept in ${gone.map((m) => m.market).join(', ')} (days are kept for the current badge month and the two before it; ` +
      `${month} could be evaluated until ${first.until}): its records stay as its last run wrote them; ` +
      'correct a shop of an older month with POST /v1/shops/{shopId}/revocations',
    gone.map((m) => ({ path: 'month', message: `${m.market}: ${month} could be evaluated until ${m.until}`, market: m.market })),
  );
}

/** The named shops by market; 400 naming every id with no profile in `markets` (any market when absent). */
async function shopsByMarket(svc: Services, shopIds: string[], markets: Market[] | undefined): Promise<Partial<Record<Market, string[]>>> {
  const unique = [...new Set(shopIds)];
  const states = await svc.shops.getMany(unique);
  const byMarket: Partial<Record<Market, string[]>> = {};
  const unknown: string[] = [];
  for (const id of unique) {
    const market = states.get(id)?.profile.market;
    if (!market || (markets && !markets.includes(market))) unknown.push(id);
    else (byMarket[market] ??= []).push(id);
  }
  if (unknown.length > 0) {
    const where = markets ? `in ${markets.join(', ')}` : 'in any market';
    throw badRequest(
      `no shop profile ${where} for ${unknown.join(', ')}: remove these ids or create their profiles first`,
      unknown.map((id) => ({ path: 'shopIds', message: `${id} has no profile ${where}`, shopId: id })),
    );
  }
  for (const ids of Object.values(byMarket)) ids.sort();
  return byMarket;
}

function newRun(fields: Pick<Run, 'runId' | 'month' | 'markets' | 'dryRun' | 'trigger' | 'startedAt'> & Pick<Partial<Run>, 'shopIds' | 'queuedAt' | 'changes'>): Run {
  const run: Run = { ...fields, state: 'running', shops: { evaluated: 0, awarded: 0, failed: 0 }, finishedAt: null, segmentsTotal: 0, segmentsDone: 0 };
  run.segmentsTotal = segmentsOf(run).length;
  return run;
}

/**
 * Starts a run (202 + runId at the API): 400 for a named shop without a profile in the markets, 409 when
 * a market's assessment period has not ended yet, or (where days expire) when the month's days are gone.
 * Operator runs and the start-up catch-up.
 */
export async function startRun(svc: Services, request: RunRequest): Promise<Run> {
  const now = svc.clock();
  const requested = request.markets ? [...new Set(request.markets)] : undefined;
  const changes = request.changes && request.changes.length > 0 ? request.changes : undefined;
  if (changes) {
    // The HTTP schema already refuses changes without dryRun; a use-case caller gets the same answer.
    if (request.dryRun !== true) throw badRequest('changes need "dryRun": true: a policy simulation writes no month record', [{ path: 'dryRun', message: 'must be true with changes' }]);
    // 400 naming each bad change before anything is written.
    applyChanges(svc.catalog, request.month, requested, changes);
  }
  const shopIds = request.shopIds ? await shopsByMarket(svc, request.shopIds, requested) : undefined;
  // Named shops without markets: the markets of those shops, in catalog order.
  const markets = requested ?? (shopIds ? MARKET_CODES.filter((m) => shopIds[m]) : [...MARKET_CODES]);
  refuseOpenPeriods(request.month, markets, now);
  if (svc.daysExpire) refuseExpiredDays(request.month, markets, now);
  const startedAt = now.toISOString();
  const run = newRun({
    runId: randomUUID(),
    month: request.month,
    markets,
    dryRun: request.dryRun ?? false,
    trigger: request.trigger ?? 'operator',
    startedAt,
    queuedAt: startedAt,
    ...(shopIds ? { shopIds } : {}),
    ...(changes ? { changes } : {}),
  });
  await svc.runs.create(run);
  await svc.queue.send(segmentsOf(run));
  return run;
}

export type ScheduleOutcome = 'started' | 'resumed' | 'already-queued' | 'finished';

/**
 * The schedule's run of a market's month (the planner, at 00:00 on the 1st market-local): created once
 * under its fixed id. A repeated or concurrent delivery finds it and queues only the segments not done,
 * and only when no other delivery has just queued them (a crash before queueing is so recovered).
 */
export async function startScheduledRun(svc: Services, market: Market, scheduledAt: Date): Promise<{ run: Run; outcome: ScheduleOutcome }> {
  const month = monthContaining(market, scheduledAt);
  const runId = scheduledRunId(market, month);
  let run = await svc.runs.get(runId);
  let created = false;
  if (!run) {
    const now = svc.clock();
    refuseOpenPeriods(month, [market], now);
    const fresh = newRun({ runId, month, markets: [market], dryRun: false, trigger: 'schedule', startedAt: now.toISOString() });
    created = await svc.runs.create(fresh);
    // Not created: a concurrent delivery created it first; go on with theirs.
    run = created ? fresh : await svc.runs.get(runId);
    if (!run) throw new Error(`scheduled run ${runId} exists but cannot be read`);
  }
  if (run.state !== 'running') return { run, outcome: 'finished' };
  const queued = await queueMissingSegments(svc, run);
  if (queued === null) return { run, outcome: 'already-queued' };
  return { run, outcome: created ? 'started' : 'resumed' };
}

/**
 * Queues the segments of a running run that are not done, unless they were queued less than
 * REQUEUE_AFTER_MS ago. Returns how many were queued, or null when another caller holds a fresh claim.
 * A segment queued twice is harmless: a done segment is skipped.
 */
export async function queueMissingSegments(svc: Services, run: Run): Promise<number | null> {
  const now = svc.clock();
  const staleBefore = new Date(now.getTime() - REQUEUE_AFTER_MS).toISOString();
  // Read first: a repeated delivery of a run just queued writes nothing at all.
  if (run.queuedAt !== undefined && run.queuedAt >= staleBefore) return null;
  const claimedAt = now.toISOString();
  if (!(await svc.runs.claimQueueing(run.runId, claimedAt, staleBefore))) return null;
  try {
    const done = await svc.runs.doneSegments(run.runId);
    const missing = segmentsOf(run).filter((m) => !done.has(svc.runs.segmentKey(m)));
    await svc.queue.send(missing);
    // Every segment done but the run not ended: its last worker stopped between the two writes.
    if (missing.length === 0) await finishIfDone(svc, run.runId);
    return missing.length;
  } catch (error) {
    // Give the claim back so that the next delivery queues at once; this delivery still fails.
    await svc.runs.releaseQueueing(run.runId, claimedAt).catch((releaseError: unknown) => {
      throw new AggregateError([error, releaseError], `queueing the segments of ${run.runId} failed, and so did releasing its claim`);
    });
    throw error;
  }
}

/**
 * The watchdog's recovery of a market's scheduled run (02:00 and 24 h after the schedule): a run still
 * running whose missing segments were not queued recently gets them queued again. Returns how many.
 */
export async function resumeScheduledRun(svc: Services, market: Market, month: BadgeMonth): Promise<number> {
  const run = await svc.runs.get(scheduledRunId(market, month));
  if (!run || run.state !== 'running') return 0;
  return (await queueMissingSegments(svc, run)) ?? 0;
}

/**
 * The last day whose records the run reads for revocation: the earlier of the run's market-local date and
 * the last day of the badge month (contract: "The monthly run applies the same rule...").
 */
export function revocationWatchEnd(month: BadgeMonth, market: Market, runAt: Date): LocalDate {
  const runDate = localDate(runAt, timeZoneOf(market));
  const lastDay = addDays(firstDay(addMonths(month, 1)), -1);
  return runDate < lastDay ? runDate : lastDay;
}

/** The first record after the period, up to `until`, that revokes `program` for `month` (records oldest first). */
function revokingRecord(svc: Services, program: string, month: BadgeMonth, market: Market, days: readonly DailyRecord[], after: LocalDate, until: LocalDate) {
  for (const record of days) {
    if (record.date <= after || record.date > until) continue;
    const decision = revocationDecision({ program, month }, record, svc.catalog, market);
    if (decision.revoke) return decision.reason;
  }
  return null;
}

interface SegmentContext {
  message: SegmentMessage;
  /** The rules of the run: the catalog's, or a simulation's with its changes applied. */
  rules: RulesCache;
  /** Dry runs: the diff against the stored month records, and the shops that differ. */
  diff: SimulationDiff | null;
  diffRows: DiffRow[];
  /** The run's start: the revocations it makes carry this time. */
  runAt: string;
  watchUntil: LocalDate;
}

/** The badge program a stored month record shows: none when it has no badge, is revoked, or is missing. */
const shownProgram = (record: MonthRecord | null): string | null => (record && !record.revocation && record.badge ? record.badge.program : null);

/** `program/criterion` of every criterion whose result differs between two evaluations of a shop. */
function changedCriteria(before: MonthRecord | null, after: ShopEvaluation['programs']): string[] {
  if (!before) return [];
  const passedBefore = new Map<string, boolean>();
  for (const p of before.programs) for (const c of p.criteria) passedBefore.set(`${p.program}/${c.id}`, c.passed);
  const changed: string[] = [];
  for (const p of after) {
    for (const c of p.criteria) {
      const key = `${p.program}/${c.id}`;
      const was = passedBefore.get(key);
      if (was !== undefined && was !== c.passed && !changed.includes(key)) changed.push(key);
    }
  }
  return changed;
}

/**
 * Evaluates one shop for the month and writes its record (unless a dry run), revoked at once when a record
 * after the period already revokes the winning badge. A dry run instead adds the shop to the run's diff
 * against the stored record. Returns whether the shop holds a badge.
 */
async function evaluateOne(svc: Services, profile: ShopProfile, ctx: SegmentContext): Promise<boolean> {
  const { message } = ctx;
  const period = assessmentPeriod(message.month, profile.market);
  // One Query for the period and the days after it that the revocation rule reads; a dry run also reads
  // the stored record it is compared with, at the same time.
  const [days, stored] = await Promise.all([
    svc.metrics.days(profile.shopId, period.from, ctx.watchUntil > period.to ? ctx.watchUntil : period.to),
    ctx.diff ? svc.badges.getMonth(profile.shopId, message.month) : null,
  ]);
  const result = evaluateShop(profile, aggregate(days, period), ctx.rules.get(profile.market, message.month));
  let revocation: Revocation | null = null;
  if (result.badge && ctx.watchUntil > period.to) {
    const reason = revokingRecord(svc, result.badge.program, message.month, profile.market, days, period.to, ctx.watchUntil);
    if (reason) revocation = { at: ctx.runAt, reason };
  }
  // A revocation already made stays whatever the run finds: the month shows no badge (contract).
  let shown = result.badge !== null && revocation === null;
  if (ctx.diff) {
    if (stored?.revocation) shown = false;
    const before = shownProgram(stored);
    const after = shown ? (result.badge as AwardedBadge).program : null;
    ctx.diff.add({ shopId: profile.shopId, before, after, afterResult: result });
    if (before !== after) ctx.diffRows.push({ shopId: profile.shopId, market: profile.market, before, after, criteria: changedCriteria(stored, result.programs) });
  }
  if (!message.dryRun) {
    const outcome = await svc.badges.putMonth(
      {
        shopId: profile.shopId,
        market: profile.market,
        month: message.month,
        badge: result.badge,
        programs: result.programs,
        evaluatedAt: svc.clock().toISOString(),
        runId: message.runId,
      },
      message.runOrder,
      revocation,
    );
    if (outcome === 'revoked') shown = false;
  }
  return shown;
}

/** Rules of simulations by run id: compiled once per run in a container (a run has many segments). */
const simulatedRules = new Map<string, RulesCache>();

function rulesOf(svc: Services, run: Run): RulesCache {
  if (!run.changes) return svc.rules;
  let rules = simulatedRules.get(run.runId);
  if (!rules) {
    rules = new RulesCache(applyChanges(svc.catalog, run.month, run.markets, run.changes));
    if (simulatedRules.size >= 16) simulatedRules.clear();
    simulatedRules.set(run.runId, rules);
  }
  return rules;
}

/** The profiles a segment evaluates, page by page: its market shard, or its chunk of named shops. */
async function* segmentProfiles(svc: Services, message: SegmentMessage): AsyncGenerator<ShopProfile[]> {
  if (!message.shopIds) {
    yield* svc.shops.listShard(message.market, message.shard);
    return;
  }
  const states = await svc.shops.getMany(message.shopIds);
  yield message.shopIds.flatMap((id) => {
    const state = states.get(id);
    return state ? [state.profile] : [];
  });
}

export interface SegmentOutcome extends ShopCounts {
  failures: ShopFailure[];
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Evaluates every shop of one segment. Idempotent: a segment already done is skipped (null), and one
 * retried after a crash rewrites the same records and is counted once. A shop that fails is counted,
 * kept in the segment's failures (the run's status lists them) and passed to `onShopFailed` (the log).
 */
export async function processSegment(
  svc: Services,
  message: SegmentMessage,
  onShopFailed: (shopId: string, error: unknown) => void = () => undefined,
): Promise<SegmentOutcome | null> {
  const [run, done] = await Promise.all([svc.runs.get(message.runId), svc.runs.segmentDone(message.runId, message)]);
  if (!run || run.state !== 'running') return null;
  if (done) {
    // Delivered again after its worker marked it done: end the run if that worker stopped before doing so.
    if (run.segmentsDone >= run.segmentsTotal) await finishIfDone(svc, run.runId);
    return null;
  }
  const ctx: SegmentContext = {
    message,
    rules: rulesOf(svc, run),
    diff: run.dryRun ? new SimulationDiff() : null,
    diffRows: [],
    runAt: run.startedAt,
    watchUntil: revocationWatchEnd(message.month, message.market, new Date(run.startedAt)),
  };
  const counts: ShopCounts = { evaluated: 0, awarded: 0, failed: 0 };
  const failures: ShopFailure[] = [];
  for await (const page of segmentProfiles(svc, message)) {
    const due = page.filter((p) => p.market === message.market && firstMonthAfter(p.onboardedAt) <= message.month);
    await mapLimited(due, SHOP_CONCURRENCY, async (profile) => {
      let awarded: boolean;
      try {
        // Throttling was already retried inside each call by the SDK (shared/store/client.ts).
        awarded = await evaluateOne(svc, profile, ctx);
      } catch (error) {
        counts.failed++;
        if (failures.length < MAX_FAILURES_LISTED) failures.push({ shopId: profile.shopId, message: messageOf(error) });
        onShopFailed(profile.shopId, error);
        return;
      }
      counts.evaluated++;
      if (awarded) counts.awarded++;
    });
  }
  if (ctx.diff) await svc.runs.putDiffRows(message.runId, ctx.diffRows);
  await svc.runs.completeSegment(message.runId, message, counts, failures, ctx.diff?.toJSON());
  await finishIfDone(svc, message.runId);
  return { ...counts, failures };
}

/** A dry run's diff: its segments' partial diffs, merged. */
async function mergedDiff(svc: Services, runId: string): Promise<PolicyDiff> {
  const parts = await svc.runs.segmentDiffs(runId);
  return parts.reduce((diff, part) => diff.merge(part), new SimulationDiff()).toJSON();
}

/**
 * Ends a run whose segments are all done: failed when a shop failed, else succeeded (only once). A dry
 * run that succeeded keeps its merged diff, so that status reads do not merge every segment again.
 */
async function finishIfDone(svc: Services, runId: string): Promise<void> {
  const run = await svc.runs.get(runId);
  if (run && run.state === 'running' && run.segmentsDone >= run.segmentsTotal) {
    const state = run.shops.failed > 0 ? 'failed' : 'succeeded';
    const diff = run.dryRun && state === 'succeeded' ? await mergedDiff(svc, runId) : undefined;
    await svc.runs.finish(run, state, svc.clock().toISOString(), { diff });
  }
}

/** Segments of unfinished runs that are not done yet: what a restarted process must queue again. */
export async function pendingSegments(svc: Services): Promise<SegmentMessage[]> {
  const messages: SegmentMessage[] = [];
  for (const run of await svc.runs.running()) {
    const done = await svc.runs.doneSegments(run.runId);
    for (const m of segmentsOf(run)) if (!done.has(svc.runs.segmentKey(m))) messages.push(m);
  }
  return messages;
}

/** A segment that kept failing past its retries (dead-lettered): the run is marked failed, with why. */
export async function failSegment(svc: Services, message: SegmentMessage, reason?: string): Promise<boolean> {
  const run = await svc.runs.get(message.runId);
  if (!run || run.state !== 'running') return false;
  const why = reason ?? `segment ${message.market}#${message.shard} kept failing and was dead-lettered`;
  return svc.runs.finish(run, 'failed', svc.clock().toISOString(), { reason: why });
}

/** Due months not yet evaluated per market, from the earliest first month of the shops held. */
export async function dueUnevaluated(svc: Services, earliest: Map<Market, BadgeMonth>, now: Date): Promise<Map<BadgeMonth, Market[]>> {
  const byMonth = new Map<BadgeMonth, Market[]>();
  for (const [market, since] of earliest) {
    const done = await svc.runs.evaluatedMonths(market);
    for (const month of dueMonths(market, since, now)) {
      if (done.has(month)) continue;
      byMonth.set(month, [...(byMonth.get(month) ?? []), market]);
    }
  }
  return byMonth;
}

/** A run as the API shows it (contract: GET /v1/evaluations/{runId}); `failures` come from its segments, `diff` as runStatus finds it. */
export function runView(run: Run, failures: ShopFailure[] = [], diff?: PolicyDiff) {
  const { runId, month, markets, dryRun, trigger, state, shops, startedAt, finishedAt } = run;
  return {
    runId,
    month,
    markets,
    dryRun,
    trigger,
    state,
    shops,
    failures,
    startedAt,
    finishedAt,
    segments: { done: run.segmentsDone, total: run.segmentsTotal },
    ...(run.reason ? { reason: run.reason } : {}),
    ...(run.changes ? { changes: run.changes } : {}),
    ...(diff ? { diff } : {}),
  };
}

export type RunView = ReturnType<typeof runView>;

/** The status of a run, its failed shops gathered (only read when some failed). */
export async function runStatus(svc: Services, run: Run): Promise<RunView> {
  const [failures, diff] = await Promise.all([
    run.shops.failed > 0 ? svc.runs.failures(run.runId) : [],
    // Every dry run, once succeeded, carries its diff against the stored month records (kept on the run
    // when it finished; merged here only for a run finished before the diff was kept).
    run.dryRun && run.state === 'succeeded' ? (run.diff ?? mergedDiff(svc, run.runId)) : undefined,
  ]);
  return runView(run, failures, diff);
}

/** The full diff of a succeeded dry run as CSV (shopId, market, before, after, criteria), shopId order. */
export async function diffCsv(svc: Services, runId: string): Promise<string> {
  const run = await svc.runs.get(runId);
  if (!run) throw notFound(`no evaluation run ${runId}`);
  if (!run.dryRun) throw conflict(`run ${runId} is not a dry run: only dry runs have a diff (POST /v1/evaluations with "dryRun": true)`);
  if (run.state !== 'succeeded') throw conflict(`run ${runId} is ${run.state}: its diff is complete once it has succeeded`);
  const lines = ['shopId,market,before,after,criteria'];
  let bytes = 0;
  for await (const page of svc.runs.diffRows(runId)) {
    for (const row of page) {
      const line = [row.shopId, row.market, row.before ?? '', row.after ?? '', row.criteria.join(' ')].map(csvCell).join(',');
      bytes += line.length + 1;
      if (bytes > MAX_DIFF_CSV_BYTES) {
        throw conflict(
          `the diff of run ${runId} is larger than one answer can carry (${MAX_DIFF_CSV_BYTES} bytes): simulate again with fewer markets or with shopIds`,
        );
      }
      lines.push(line);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Lambda answers an HTTP API whole, up to 6 MB: the CSV stays under it (docs/operating-a-month.md). */
const MAX_DIFF_CSV_BYTES = 5_500_000;

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Every run of a badge month (of one market, when given), newest first. */
export async function monthRuns(svc: Services, month: BadgeMonth, market?: Market): Promise<{ runs: RunView[] }> {
  const runs = await svc.runs.ofMonth(month, market);
  return { runs: await Promise.all(runs.map((run) => runStatus(svc, run))) };
}
