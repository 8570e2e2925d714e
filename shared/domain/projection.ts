/**
 * "If we evaluated today": the open assessment period evaluated on the days so far, with a gap on every
 * failing criterion that a seller can act on.
 */
import { assessmentPeriod, dayNumber, monthAssessedOn, type AssessmentPeriod, type BadgeMonth, type LocalDate } from './calendar';
import { aggregate, METRIC_KINDS, RATES, type Aggregates, type DailyRecord, type MetricName } from './metrics';
import { evaluateShop, type ConditionResult, type CriterionResult, type ShopEvaluation } from './evaluate';
import type { MarketRules, ShopProfile } from './rules';

export interface Projection extends ShopEvaluation {
  period: AssessmentPeriod;
  /** Last day with data in the period so far, or null. */
  asOf: LocalDate | null;
  /** Days of the period after today. */
  daysLeft: number;
}

/** Integer metrics move in steps of 1; the others by a small step when a strict bound is met exactly. */
const INTEGER_METRICS = new Set<MetricName>([
  'completedOrders',
  'gmv',
  'uniqueBuyers30d',
  'violationPoints',
  'reputationPoints',
  'sellableProducts',
  'returnWindowDays',
  'gmv365d',
  'fraudViolations',
  'counterfeitViolations',
]);

function tidy(x: number): number {
  return Number(x.toPrecision(10));
}

/** How far `actual` is from passing `op threshold`, in the metric's unit; null where no number says it. */
export function gapOf(cond: Pick<ConditionResult, 'metric' | 'op' | 'threshold' | 'actual' | 'passed'>): number | null {
  if (cond.passed || typeof cond.threshold !== 'number') return null;
  const t = cond.threshold;
  const actual = typeof cond.actual === 'number' ? cond.actual : cond.actual === null ? null : NaN;
  if (actual !== null && Number.isNaN(actual)) return null;
  const step = INTEGER_METRICS.has(cond.metric) ? 1 : 0.0001;
  const from = actual ?? (cond.op === '<' || cond.op === '<=' || cond.op === '=' ? null : 0);
  if (from === null) return null;
  switch (cond.op) {
    case '>=':
      return tidy(Math.max(t - from, step));
    case '>':
      return tidy(t - from + (INTEGER_METRICS.has(cond.metric) ? 1 : 0) || step);
    case '<=':
      return tidy(Math.max(from - t, step));
    case '<':
      return tidy(from - t + (INTEGER_METRICS.has(cond.metric) ? 1 : 0) || step);
    case '=':
    case '!=':
      return from === t ? step : tidy(Math.abs(from - t));
  }
}

/** What a seller can do about a failing rate, counted in events (orders, chats, ratings). */
export function rateAdvice(metric: MetricName, op: string, threshold: number, sums: Aggregates['sums']): string | null {
  if (METRIC_KINDS[metric] !== 'rate') return null;
  const [numName, denName] = RATES[metric as keyof typeof RATES];
  const n = sums[numName];
  const d = sums[denName];
  if (op === '<' || op === '<=') {
    // Bad events: more good events dilute them; no further bad event may happen meanwhile.
    const needed = op === '<' ? Math.floor(n / threshold) + 1 - d : Math.ceil(n / threshold) - d;
    return `${Math.max(needed, 0)} more ${denName} with no new ${numName} would bring it ${op === '<' ? 'below' : 'to'} ${threshold}`;
  }
  if (op === '>' || op === '>=') {
    if (threshold >= 1) return null;
    const exact = (threshold * d - n) / (1 - threshold);
    const needed = op === '>' ? Math.floor(exact) + 1 : Math.ceil(exact);
    return `${Math.max(needed, 0)} more ${denName} that are all ${numName} would bring it ${op === '>' ? 'above' : 'to'} ${threshold}`;
  }
  return null;
}

function withGap(c: CriterionResult, sums: Aggregates['sums']): CriterionResult {
  if (c.passed) return c;
  const out: CriterionResult & { advice?: string } = { ...c, gap: null };
  if (c.metric !== 'certification') out.gap = gapOf(c as ConditionResult);
  if (c.anyOf) out.anyOf = c.anyOf.map((alt) => (alt.passed ? alt : { ...alt, gap: gapOf(alt) }));
  if (c.metric !== 'certification' && typeof c.threshold === 'number') {
    const advice = rateAdvice(c.metric, c.op, c.threshold, sums);
    if (advice) out.advice = advice;
  }
  return out;
}

/** Evaluates the period open on `today` (market-local) with the records so far. */
export function projectShop(
  profile: ShopProfile,
  records: readonly DailyRecord[],
  today: LocalDate,
  rulesFor: (month: BadgeMonth) => MarketRules,
): Projection {
  const month = monthAssessedOn(today);
  const period = assessmentPeriod(month, profile.market);
  const aggregates = aggregate(records, { from: period.from, to: today < period.to ? today : period.to });
  const evaluation = evaluateShop(profile, aggregates, rulesFor(month));
  return {
    ...evaluation,
    programs: evaluation.programs.map((p) => ({ ...p, criteria: p.criteria.map((c) => withGap(c, aggregates.sums)) })),
    period,
    asOf: aggregates.lastDate,
    daysLeft: Math.max(0, dayNumber(period.to) - dayNumber(today)),
  };
}

