/**
 * Policy simulation (contract.md "Policy simulation"): a dry run that tries thresholds other than the
 * catalog's. `applyChanges` turns the operator's changes into a catalog for that month; `SimulationDiff`
 * compares each shop's stored badge with the simulated one and adds up the contract's `diff`, in partial
 * diffs (one per segment) that merge in any order.
 */
import { badRequest, type ErrorDetail } from '../errors';
import type { BadgeMonth, Market } from './calendar';
import type { ShopEvaluation } from './evaluate';
import { METRIC_KINDS, METRIC_NAMES, SHOP_STATUSES, type MetricName } from './metrics';
import { inEffect, type Catalog, type ConditionDefinition, type CriterionDefinitionShape, type Program, type ThresholdDefinition } from './rules';

export type ThresholdValue = number | string | boolean;

/** One threshold to try: `metric` picks the alternative of an either/or criterion (default its first). */
export interface ThresholdChange {
  program: string;
  criterion: string;
  metric?: string | undefined;
  /** One value for every market of the program, or a value per market (markets left out keep the catalog's). */
  threshold: ThresholdValue | Record<string, ThresholdValue>;
}

const BOOLEAN_METRICS: ReadonlySet<string> = new Set<MetricName>(['probationGraduated', 'hasLogo']);
/** Fractions that are not rates: a threshold above 1 is a percentage typed as a whole number. */
const SHARE_METRICS: ReadonlySet<string> = new Set<MetricName>(['freeShippingShare']);

/** A value as an error message quotes it: `"top-chioce"`, `200`, `{"US":4.5}`. */
export const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);
const alternatives = (c: CriterionDefinitionShape): ConditionDefinition[] => ('anyOf' in c ? c.anyOf : [c]);

/** Why `value` cannot be a threshold of `metric`, or null when it can. */
function thresholdProblem(metric: string, value: unknown): string | null {
  if (metric === 'status') {
    return typeof value === 'string' && (SHOP_STATUSES as readonly string[]).includes(value)
      ? null
      : `threshold ${quote(value)} of metric "status" must be a shop status (${SHOP_STATUSES.join(', ')})`;
  }
  if (BOOLEAN_METRICS.has(metric)) {
    return typeof value === 'boolean' ? null : `threshold ${quote(value)} of metric "${metric}" must be true or false`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `threshold ${quote(value)} of metric "${metric}" must be a number`;
  if ((METRIC_KINDS[metric as MetricName] === 'rate' || SHARE_METRICS.has(metric)) && (value < 0 || value > 1)) {
    return `threshold ${quote(value)} of metric "${metric}" must be a fraction from 0 to 1 (3% is 0.03)`;
  }
  return null;
}

/** The catalog threshold with `change` laid over it: a scalar replaces it, a record replaces its markets. */
function mergedThreshold(current: ThresholdDefinition, change: ThresholdChange['threshold'], markets: readonly Market[]): ThresholdDefinition {
  if (typeof change !== 'object') return change;
  const perMarket: Partial<Record<Market, ThresholdValue>> =
    typeof current === 'object' ? { ...current } : Object.fromEntries(markets.map((m) => [m, current]));
  return { ...perMarket, ...change };
}

/** The criterion with one alternative's threshold replaced (a new object; the catalog's stays as it is). */
function withThreshold(c: CriterionDefinitionShape, alternative: number, threshold: ThresholdDefinition): CriterionDefinitionShape {
  if ('anyOf' in c) return { ...c, anyOf: c.anyOf.map((alt, k) => (k === alternative ? { ...alt, threshold } : alt)) };
  return { ...c, threshold };
}

/**
 * A new catalog in which each change replaces a threshold of the program version in force in `month`
 * (the catalog given is not modified, nor any object in it). Changes apply in order, so a later change
 * of the same criterion lays its values over the earlier one's. `markets` are the markets the run covers
 * (undefined: every market, none is checked). Every bad change is reported at once, as a 400 whose
 * details name `changes.<i>.<field>` and quote the offending value.
 */
export function applyChanges(catalog: Catalog, month: BadgeMonth, markets: readonly Market[] | undefined, changes: readonly ThresholdChange[]): Catalog {
  const programs = catalog.programs.slice();
  const copied = new Set<number>();
  const details: ErrorDetail[] = [];

  changes.forEach((change, i) => {
    const problem = (field: string, message: string) => details.push({ path: `changes.${i}.${field}`, message });
    const name = quote(change.program);

    const versions = catalog.programs.filter((p) => p.id === change.program);
    if (versions.length === 0) {
      const known = [...new Set(catalog.programs.map((p) => p.id))].join(', ');
      return problem('program', `unknown program ${name}: use one of ${known}`);
    }
    const index = programs.findIndex((p) => p.id === change.program && inEffect(p, month));
    if (index < 0) {
      const spans = versions.map((p) => `${p.effective.from ?? ''}..${p.effective.to ?? ''}`).join(', ');
      return problem('program', `program ${name} is not in effect in ${month} (its versions cover ${spans})`);
    }
    const program = programs[index] as Program;
    const uncovered = (markets ?? []).filter((m) => !program.markets.includes(m));
    if (uncovered.length > 0) {
      return problem('program', `program ${name} does not cover market ${quote(uncovered[0])} of the run (it covers ${program.markets.join(', ')})`);
    }

    const j = program.criteria.findIndex((c) => c.id === change.criterion);
    const criterion = program.criteria[j];
    if (criterion === undefined) {
      if (program.criteria.length === 0) {
        // A certification requirement is held or not: it has no threshold to try.
        return problem('criterion', `program ${name} has no threshold to change (criterion ${quote(change.criterion)}): it only requires a certification`);
      }
      return problem('criterion', `unknown criterion ${quote(change.criterion)} of program ${name}: use one of ${program.criteria.map((c) => c.id).join(', ')}`);
    }

    const conditions = alternatives(criterion);
    const takes = conditions.map((c) => c.metric).join(' or ');
    const alternative = change.metric === undefined ? 0 : conditions.findIndex((c) => c.metric === change.metric);
    if (alternative < 0) {
      const metric = quote(change.metric);
      return (METRIC_NAMES as string[]).includes(change.metric as string)
        ? problem('metric', `metric ${metric} is not a metric of criterion ${quote(change.criterion)} of program ${name} (it takes ${takes})`)
        : problem('metric', `unknown metric ${metric}: criterion ${quote(change.criterion)} of program ${name} takes ${takes}`);
    }
    const condition = conditions[alternative] as ConditionDefinition;

    const threshold = change.threshold;
    if (typeof threshold === 'object' && threshold !== null) {
      const entries = Object.entries(threshold);
      if (entries.length === 0) return problem('threshold', 'threshold {} names no market: give one value, or a value per market such as {"TH": 200}');
      let valid = true;
      for (const [market, value] of entries) {
        if (!(program.markets as string[]).includes(market)) {
          problem(`threshold.${market}`, `program ${name} does not cover market ${quote(market)} (it covers ${program.markets.join(', ')})`);
          valid = false;
          continue;
        }
        const wrong = thresholdProblem(condition.metric, value);
        if (wrong !== null) {
          problem(`threshold.${market}`, wrong);
          valid = false;
        }
      }
      if (!valid) return;
    } else {
      const wrong = thresholdProblem(condition.metric, threshold);
      if (wrong !== null) return problem('threshold', wrong);
    }

    // Copy-on-write: the changed program and its criteria list are copied once, the rest is shared.
    const target = copied.has(index) ? program : { ...program, criteria: program.criteria.slice() };
    target.criteria[j] = withThreshold(criterion, alternative, mergedThreshold(condition.threshold, threshold, program.markets));
    programs[index] = target;
    copied.add(index);
  });

  if (details.length > 0) {
    throw badRequest(`invalid changes: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details);
  }
  return { precedence: catalog.precedence, programs };
}

/** A shop whose badge differs between the stored month record and the simulation. */
export interface DiffShop {
  shopId: string;
  before: string | null;
  after: string | null;
}

/** The contract's `diff`; also the partial state a segment stores, since two of them merge into one. */
export interface PolicyDiff {
  gained: number;
  lost: number;
  changed: number;
  unchanged: number;
  byProgram: Record<string, { before: number; after: number }>;
  /** `program/criterion` -> shops that fail it under the simulated rules (shops excluded from the program not counted). */
  failing: Record<string, number>;
  /** The first DIFF_SHOP_LIMIT shops that differ, by ascending shopId. */
  shops: DiffShop[];
}

export const DIFF_SHOP_LIMIT = 100;

/** One evaluated shop: its stored badge program (null: none, revoked or no record) and the simulated one. */
export interface SimulatedShop {
  shopId: string;
  before: string | null;
  after: string | null;
  /** The simulated evaluation, for the failing counts. */
  afterResult: Pick<ShopEvaluation, 'programs'>;
}

const sortedKeys = <T>(record: Map<string, T>): [string, T][] => [...record.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Adds up a simulation's diff shop by shop. A segment adds its shops and stores `toJSON()`; the run
 * merges the segments' partial diffs (in any order: counts add, and the shop list keeps the first
 * DIFF_SHOP_LIMIT by shopId across all of them). Segments cover disjoint shops, so a shop is added once.
 */
export class SimulationDiff {
  private gained = 0;
  private lost = 0;
  private changed = 0;
  private unchanged = 0;
  private readonly byProgram = new Map<string, { before: number; after: number }>();
  /** program -> criterion -> shops: no key string is built per shop. */
  private readonly failing = new Map<string, Map<string, number>>();
  /** Ascending by shopId, at most DIFF_SHOP_LIMIT. */
  private readonly shops: DiffShop[] = [];

  static from(partial: PolicyDiff): SimulationDiff {
    return new SimulationDiff().merge(partial);
  }

  /** Shops added so far, over every merged part: gained + lost + changed + unchanged. */
  get evaluated(): number {
    return this.gained + this.lost + this.changed + this.unchanged;
  }

  add(shop: SimulatedShop): this {
    const { before, after } = shop;
    if (before === after) this.unchanged++;
    else {
      if (before === null) this.gained++;
      else if (after === null) this.lost++;
      else this.changed++;
      this.keepShop({ shopId: shop.shopId, before, after });
    }
    if (before !== null) this.programCount(before).before++;
    if (after !== null) this.programCount(after).after++;

    const programs = shop.afterResult.programs;
    for (let i = 0; i < programs.length; i++) {
      const result = programs[i] as (typeof programs)[number];
      if (result.eligible || result.excludedBy !== null) continue;
      const counts = this.failingOf(result.program);
      let previous: string | null = null;
      for (let k = 0; k < result.criteria.length; k++) {
        const criterion = result.criteria[k] as (typeof result.criteria)[number];
        // Several certification requirements share the id `certification`: a shop counts once.
        if (criterion.passed || criterion.id === previous) continue;
        previous = criterion.id;
        counts.set(criterion.id, (counts.get(criterion.id) ?? 0) + 1);
      }
    }
    return this;
  }

  /** Adds a partial diff (another segment's `toJSON()`). */
  merge(partial: PolicyDiff): this {
    this.gained += partial.gained;
    this.lost += partial.lost;
    this.changed += partial.changed;
    this.unchanged += partial.unchanged;
    for (const [program, { before, after }] of Object.entries(partial.byProgram)) {
      const count = this.programCount(program);
      count.before += before;
      count.after += after;
    }
    for (const [key, n] of Object.entries(partial.failing)) {
      // Program ids are [a-z0-9-]: the first slash separates program and criterion.
      const slash = key.indexOf('/');
      const counts = this.failingOf(key.slice(0, slash));
      const criterion = key.slice(slash + 1);
      counts.set(criterion, (counts.get(criterion) ?? 0) + n);
    }
    for (const shop of partial.shops) this.keepShop({ shopId: shop.shopId, before: shop.before, after: shop.after });
    return this;
  }

  /** The contract's `diff`, keys in a stable order (programs and criteria sorted), so equal diffs serialise equally. */
  toJSON(): PolicyDiff {
    const failing: Record<string, number> = {};
    for (const [program, counts] of sortedKeys(this.failing)) {
      for (const [criterion, n] of sortedKeys(counts)) failing[`${program}/${criterion}`] = n;
    }
    return {
      gained: this.gained,
      lost: this.lost,
      changed: this.changed,
      unchanged: this.unchanged,
      byProgram: Object.fromEntries(sortedKeys(this.byProgram).map(([program, { before, after }]) => [program, { before, after }])),
      failing,
      shops: this.shops.map((s) => ({ ...s })),
    };
  }

  private programCount(program: string): { before: number; after: number } {
    let count = this.byProgram.get(program);
    if (count === undefined) {
      count = { before: 0, after: 0 };
      this.byProgram.set(program, count);
    }
    return count;
  }

  private failingOf(program: string): Map<string, number> {
    let counts = this.failing.get(program);
    if (counts === undefined) {
      counts = new Map();
      this.failing.set(program, counts);
    }
    return counts;
  }

  /** Inserts `shop` in shopId order and drops whatever falls beyond the limit. */
  private keepShop(shop: DiffShop): void {
    const shops = this.shops;
    const last = shops[shops.length - 1];
    if (shops.length >= DIFF_SHOP_LIMIT && last !== undefined && shop.shopId >= last.shopId) return;
    let lo = 0;
    let hi = shops.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((shops[mid] as DiffShop).shopId < shop.shopId) lo = mid + 1;
      else hi = mid;
    }
    shops.splice(lo, 0, shop);
    if (shops.length > DIFF_SHOP_LIMIT) shops.pop();
  }
}
