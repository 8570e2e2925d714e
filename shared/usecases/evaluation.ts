/**
 * The monthly evaluation: a planner splits the markets' shops into segments (one market shard each) and
 * queues one message per segment; a worker evaluates a segment. Safe to repeat at every step: records are
 * keyed by shop + month and ordered by run, segment counts are added once, a revocation is never touched.
 */
import { randomUUID } from 'node:crypto';
import {
  assessmentPeriod,
  dueMonths,
  firstMonthAfter,
  MARKET_CODES,
  periodEndsAt,
  periodHasEnded,
  type BadgeMonth,
  type Market,
} from '../domain/calendar';
import { evaluateShop } from '../domain/evaluate';
import { aggregate } from '../domain/metrics';
import type { ShopProfile } from '../domain/rules';
import { conflict } from '../errors';
import type { Run, ShopCounts } from '../store/runs';
import { mapLimited } from '../store/retry';
import { SHARDS_PER_MARKET } from '../store/table';
import type { SegmentMessage, Services } from './services';

export interface RunRequest {
  month: BadgeMonth;
  markets?: Market[];
  dryRun?: boolean;
}

/** Shops evaluated at once by one worker: enough to hide DynamoDB latency, few enough not to throttle. */
const SHOP_CONCURRENCY = 16;

export function segmentsOf(run: Pick<Run, 'runId' | 'month' | 'markets' | 'dryRun' | 'startedAt'>): SegmentMessage[] {
  const messages: SegmentMessage[] = [];
  for (const market of run.markets) {
    for (let shard = 0; shard < SHARDS_PER_MARKET; shard++) {
      messages.push({ runId: run.runId, month: run.month, market, shard, runOrder: `${run.startedAt}#${run.runId}`, dryRun: run.dryRun });
    }
  }
  return messages;
}

/** Starts a run (202 + runId at the API); 409 when a market's assessment period has not ended yet. */
export async function startRun(svc: Services, request: RunRequest): Promise<Run> {
  const now = svc.clock();
  const markets = [...new Set(request.markets ?? MARKET_CODES)];
  const open = markets.filter((m) => !periodHasEnded(request.month, m, now));
  if (open.length > 0) {
    throw conflict(
      `the assessment period of ${request.month} has not ended yet in ${open.join(', ')}; it can be evaluated from ${periodEndsAt(request.month, open[0] as Market).toISOString()}`,
      open.map((m) => ({ path: 'markets', message: `${m}: period ends ${periodEndsAt(request.month, m).toISOString()}`, market: m })),
    );
  }
  const run: Run = {
    runId: randomUUID(),
    month: request.month,
    markets,
    dryRun: request.dryRun ?? false,
    state: 'running',
    shops: { evaluated: 0, awarded: 0, failed: 0 },
    startedAt: now.toISOString(),
    finishedAt: null,
    segmentsTotal: markets.length * SHARDS_PER_MARKET,
    segmentsDone: 0,
  };
  await svc.runs.create(run);
  await svc.queue.send(segmentsOf(run));
  return run;
}

/** Evaluates one shop for the month and writes its record (unless a dry run). Returns whether it has a badge. */
async function evaluateOne(svc: Services, profile: ShopProfile, message: SegmentMessage): Promise<boolean> {
  const period = assessmentPeriod(message.month, profile.market);
  const days = await svc.metrics.days(profile.shopId, period.from, period.to);
  const result = evaluateShop(profile, aggregate(days, period), svc.rules.get(profile.market, message.month));
  if (!message.dryRun) {
    await svc.badges.putMonth(
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
    );
  }
  return result.badge !== null;
}

/**
 * Evaluates every shop of one segment. Idempotent: a segment already done is skipped, and one retried
 * after a crash rewrites the same records and is counted once.
 */
export async function processSegment(svc: Services, message: SegmentMessage): Promise<ShopCounts | null> {
  const run = await svc.runs.get(message.runId);
  if (!run || run.state !== 'running') return null;
  const counts: ShopCounts = { evaluated: 0, awarded: 0, failed: 0 };
  for await (const page of svc.shops.listShard(message.market, message.shard)) {
    const due = page.filter((p) => p.market === message.market && firstMonthAfter(p.onboardedAt) <= message.month);
    await mapLimited(due, SHOP_CONCURRENCY, async (profile) => {
      let awarded: boolean;
      try {
        awarded = await evaluateOne(svc, profile, message);
      } catch {
        try {
          // One more try of this shop; the SDK already retried throttling inside each call.
          awarded = await evaluateOne(svc, profile, message);
        } catch {
          counts.failed++;
          return;
        }
      }
      counts.evaluated++;
      if (awarded) counts.awarded++;
    });
  }
  await svc.runs.completeSegment(message.runId, message, counts);
  const after = await svc.runs.get(message.runId);
  if (after && after.segmentsDone >= after.segmentsTotal) {
    await svc.runs.finish(after, after.shops.failed > 0 ? 'failed' : 'succeeded', svc.clock().toISOString());
  }
  return counts;
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

/** A segment that kept failing past its retries: the run is marked failed (an operator reruns it). */
export async function failSegment(svc: Services, message: SegmentMessage): Promise<void> {
  const run = await svc.runs.get(message.runId);
  if (run && run.state === 'running') await svc.runs.finish(run, 'failed', svc.clock().toISOString());
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

/** A run as the API shows it. */
export function runView(run: Run) {
  const { runId, month, markets, dryRun, state, shops, startedAt, finishedAt } = run;
  return { runId, month, markets, dryRun, state, shops, startedAt, finishedAt };
}
