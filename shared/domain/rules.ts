/**
 * Programs as the engine sees them, and their compilation for one market and badge month: thresholds
 * resolved, labels formatted, programs in precedence order. Compiled once per (market, month), so the
 * per-shop loop only compares numbers.
 */
import { MARKETS, type BadgeMonth, type LocalDate, type Market } from './calendar';
import { METRIC_KINDS, type MetricName, type MetricValue } from './metrics';

export const CERTIFICATION_TYPES = ['mall', 'official-shop', 'authorized-seller', 'top-brand', 'super-top-seller'] as const;
export type CertificationType = (typeof CERTIFICATION_TYPES)[number];

export const OPERATORS = ['>=', '>', '<=', '<', '=', '!='] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Certification {
  type: CertificationType;
  since: LocalDate;
  until?: LocalDate | null;
}

export interface ShopProfile {
  shopId: string;
  market: Market;
  name?: string;
  onboardedAt: LocalDate;
  certifications: Certification[];
}

type Scalar = number | string | boolean;
export type ThresholdDefinition = Scalar | Partial<Record<Market, Scalar>>;

export interface ConditionDefinition {
  metric: string;
  op: Operator;
  threshold: ThresholdDefinition;
}

export type CriterionDefinitionShape =
  | ({ id: string; label: string } & ConditionDefinition)
  | { id: string; label: string; anyOf: ConditionDefinition[] };

/**
 * One version of a program (the output of the catalog schema). A program id can have several versions,
 * each in effect for its own badge months; the catalog schema guarantees they neither overlap nor leave
 * a gap, so at most one version of an id is in force in any month.
 */
export interface Program {
  id: string;
  label: string;
  version: string;
  markets: Market[];
  effective: { from?: BadgeMonth; to?: BadgeMonth };
  requires: { certification: CertificationType; grantedWithin?: { from: LocalDate; to: LocalDate } }[];
  excludedBy: CertificationType[];
  criteria: CriterionDefinitionShape[];
  revokeWhen: { field: string; op: Operator; threshold: Scalar }[];
  benefits: { kind: string; description: string; daysAfterCertification?: number }[];
}

export interface Catalog {
  /** Program ids, each once: the first a shop qualifies for wins. */
  precedence: string[];
  /** Every version of every program. */
  programs: Program[];
}

export interface CompiledCondition {
  metric: MetricName;
  op: Operator;
  threshold: Scalar;
  /** Rates with a zero denominator (null) do not apply and pass; missing gauges fail. */
  nullPasses: boolean;
}

export interface CompiledCriterion extends CompiledCondition {
  id: string;
  label: string;
  /** Present on either/or criteria; the criterion's own metric/op/threshold are its first alternative's. */
  anyOf: CompiledCondition[] | null;
}

export interface CompiledProgram {
  id: string;
  label: string;
  version: string;
  requires: Program['requires'];
  excludedBy: CertificationType[];
  criteria: CompiledCriterion[];
  benefits: Program['benefits'];
}

export interface MarketRules {
  market: Market;
  month: BadgeMonth;
  /** In precedence order: the first eligible one is the badge. */
  programs: CompiledProgram[];
}

export function inEffect(program: Program, month: BadgeMonth): boolean {
  const { from, to } = program.effective;
  return (from === undefined || month >= from) && (to === undefined || month <= to);
}

/** The version of program `id` in force in badge month `month`, or undefined when none is. */
export function programInForce(catalog: Catalog, id: string, month: BadgeMonth): Program | undefined {
  return catalog.programs.find((p) => p.id === id && inEffect(p, month));
}

function resolveThreshold(threshold: ThresholdDefinition, market: Market): Scalar {
  if (typeof threshold !== 'object') return threshold;
  const value = threshold[market];
  // The catalog schema guarantees a threshold for each of the program's markets.
  if (value === undefined) throw new Error(`no threshold for market ${market}`);
  return value;
}

const MONEY_METRICS = new Set<MetricName>(['gmv', 'gmv365d']);
const SHARE_METRICS = new Set<MetricName>(['freeShippingShare']);

/** How a threshold reads in a label: rates as percentages, money in the market's currency. */
export function formatThreshold(metric: MetricName, value: Scalar, market: Market): string {
  if (typeof value !== 'number') return String(value);
  if (METRIC_KINDS[metric] === 'rate' || SHARE_METRICS.has(metric)) {
    return `${Number((value * 100).toPrecision(12))}%`;
  }
  if (MONEY_METRICS.has(metric)) {
    const { currency, minorUnits } = MARKETS[market];
    return `${currency}${(value / 10 ** minorUnits).toLocaleString('en-US')}`;
  }
  return value.toLocaleString('en-US');
}

function compileCondition(c: ConditionDefinition, market: Market): CompiledCondition {
  const metric = c.metric as MetricName;
  return { metric, op: c.op, threshold: resolveThreshold(c.threshold, market), nullPasses: METRIC_KINDS[metric] === 'rate' };
}

function compileCriterion(c: CriterionDefinitionShape, market: Market): CompiledCriterion {
  if ('anyOf' in c) {
    const anyOf = c.anyOf.map((alt) => compileCondition(alt, market));
    const label = anyOf.reduce((text, alt, i) => text.replaceAll(`{${i}}`, formatThreshold(alt.metric, alt.threshold, market)), c.label);
    const first = anyOf[0] as CompiledCondition;
    return { id: c.id, label, ...first, anyOf };
  }
  const cond = compileCondition(c, market);
  return { id: c.id, label: c.label.replaceAll('{threshold}', formatThreshold(cond.metric, cond.threshold, market)), ...cond, anyOf: null };
}

/**
 * The programs of `market` in effect in `month`, compiled, in precedence order. Filtering by effective
 * months picks, for each program id, the one version in force that month, so a rerun of a past month
 * uses (and records) the thresholds and version of that month, not the newest ones.
 */
export function compileRules(catalog: Catalog, market: Market, month: BadgeMonth): MarketRules {
  const rank = (id: string) => catalog.precedence.indexOf(id);
  const programs = catalog.programs
    .filter((p) => p.markets.includes(market) && inEffect(p, month))
    .sort((a, b) => rank(a.id) - rank(b.id))
    .map(
      (p): CompiledProgram => ({
        id: p.id,
        label: p.label,
        version: p.version,
        requires: p.requires,
        excludedBy: p.excludedBy,
        criteria: p.criteria.map((c) => compileCriterion(c, market)),
        benefits: p.benefits,
      }),
    );
  return { market, month, programs };
}

/**
 * Compiled rules, memoised per catalog, market and month (a run evaluates millions of shops with one).
 * Called once per shop evaluation, so it builds no key: a map per market, then per month, and the last
 * answer is kept (a segment is one market and one month).
 */
export class RulesCache {
  private readonly cache = new Map<Market, Map<BadgeMonth, MarketRules>>();
  private last: MarketRules | null = null;
  constructor(readonly catalog: Catalog) {}
  get(market: Market, month: BadgeMonth): MarketRules {
    const last = this.last;
    if (last !== null && last.market === market && last.month === month) return last;
    let byMonth = this.cache.get(market);
    if (byMonth === undefined) {
      byMonth = new Map();
      this.cache.set(market, byMonth);
    }
    let rules = byMonth.get(month);
    if (rules === undefined) {
      rules = compileRules(this.catalog, market, month);
      byMonth.set(month, rules);
    }
    this.last = rules;
    return rules;
  }
}

/** `actual op threshold`; false when either side is missing or of another type. */
export function compare(actual: MetricValue | undefined, op: Operator, threshold: Scalar): boolean {
  if (actual === null || actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === threshold;
    case '!=':
      return actual !== threshold;
    case '>=':
      return typeof actual === 'number' && actual >= (threshold as number);
    case '>':
      return typeof actual === 'number' && actual > (threshold as number);
    case '<=':
      return typeof actual === 'number' && actual <= (threshold as number);
    case '<':
      return typeof actual === 'number' && actual < (threshold as number);
  }
}
