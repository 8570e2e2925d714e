/**
 * The baseline: the same compiled rules expressed for json-rules-engine, one Engine per market + month with
 * one rule per program. Each criterion is one condition of the rule's `all` (an either/or criterion is an
 * `any`; a rate, which passes when it does not apply, is `any: [rate = null, rate op threshold]`); the
 * exclusions are `not` conditions and the certifications a dynamic fact `certified` with the type as a
 * param. Facts are the period metrics plus the profile's certifications. The per-criterion breakdown comes
 * from the rule results' `conditions` (`result` and `factResult`), like the engine's own breakdown.
 */
import { Engine } from 'json-rules-engine';
import type { Almanac, RuleResult, TopLevelCondition } from 'json-rules-engine';
import { certificationFor, type ShopEvaluation } from '../../shared/domain/evaluate';
import type { BadgeMonth, Market } from '../../shared/domain/calendar';
import type { Aggregates, MetricValue } from '../../shared/domain/metrics';
import type { Certification, CertificationType, CompiledCondition, MarketRules, Operator, ShopProfile } from '../../shared/domain/rules';

const OPERATOR_NAMES: Record<Operator, string> = {
  '>=': 'greaterThanInclusive',
  '>': 'greaterThan',
  '<=': 'lessThanInclusive',
  '<': 'lessThan',
  '=': 'equal',
  '!=': 'notEqual',
};

/** Conditions as built here (json-rules-engine's own types are a wide union). */
interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
}
type Condition = LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** The evaluated copy of a condition that json-rules-engine hands back on a rule result. */
interface ConditionOutcome {
  result?: boolean;
  factResult?: unknown;
  all?: ConditionOutcome[];
  any?: ConditionOutcome[];
  not?: ConditionOutcome;
}

interface CertifiedParams {
  type: CertificationType;
  grantedWithin?: { from: string; to: string };
}

/** How to read one criterion back out of a rule result's conditions. */
type CriterionReader = { id: string; kind: 'exclusion' | 'certification' | 'leaf' | 'rate' | 'anyOf'; alternatives: ('leaf' | 'rate')[] };

interface CompiledRule {
  program: string;
  readers: CriterionReader[];
}

export interface BaselineCriterion {
  id: string;
  passed: boolean;
  actual: MetricValue;
}
export interface BaselineProgram {
  program: string;
  eligible: boolean;
  criteria: BaselineCriterion[];
}
export interface BaselineEvaluation {
  programs: BaselineProgram[];
  badge: string | null;
}

function leaf(cond: CompiledCondition): { condition: Condition; kind: 'leaf' | 'rate' } {
  const compare: LeafCondition = { fact: cond.metric, operator: OPERATOR_NAMES[cond.op], value: cond.threshold };
  if (!cond.nullPasses) return { condition: compare, kind: 'leaf' };
  return { condition: { any: [{ fact: cond.metric, operator: 'equal', value: null }, compare] }, kind: 'rate' };
}

export class JsonRulesBaseline {
  private readonly engine: Engine;
  private readonly rules: CompiledRule[] = [];

  constructor(readonly marketRules: MarketRules) {
    this.engine = new Engine([], { allowUndefinedFacts: false });
    const month = marketRules.month;
    this.engine.addFact<Promise<boolean>>('certified', async (params: Record<string, unknown>, almanac: Almanac) => {
      const p = params as unknown as CertifiedParams;
      const certifications = await almanac.factValue<Certification[]>('certifications');
      return certificationFor({ certifications }, p.type, month, p.grantedWithin) !== null;
    });
    for (const program of marketRules.programs) {
      const all: Condition[] = [];
      const readers: CriterionReader[] = [];
      for (const type of program.excludedBy) {
        all.push({ not: { fact: 'certified', params: { type }, operator: 'equal', value: true } });
        readers.push({ id: `excluded-by-${type}`, kind: 'exclusion', alternatives: [] });
      }
      for (const req of program.requires) {
        const params: Record<string, unknown> = { type: req.certification };
        if (req.grantedWithin) params.grantedWithin = req.grantedWithin;
        all.push({ fact: 'certified', params, operator: 'equal', value: true });
        readers.push({ id: 'certification', kind: 'certification', alternatives: [] });
      }
      for (const c of program.criteria) {
        if (c.anyOf === null) {
          const { condition, kind } = leaf(c);
          all.push(condition);
          readers.push({ id: c.id, kind, alternatives: [] });
        } else {
          const alternatives = c.anyOf.map(leaf);
          all.push({ any: alternatives.map((a) => a.condition) });
          readers.push({ id: c.id, kind: 'anyOf', alternatives: alternatives.map((a) => a.kind) });
        }
      }
      this.engine.addRule({
        name: program.id,
        conditions: { all } as unknown as TopLevelCondition,
        event: { type: program.id },
      });
      this.rules.push({ program: program.id, readers });
    }
  }

  get market(): Market {
    return this.marketRules.market;
  }
  get month(): BadgeMonth {
    return this.marketRules.month;
  }

  /** One shop through json-rules-engine, read back into a per-criterion breakdown. */
  async evaluate(profile: ShopProfile, aggregates: Pick<Aggregates, 'metrics'>): Promise<BaselineEvaluation> {
    const facts: Record<string, unknown> = { certifications: profile.certifications, ...aggregates.metrics };
    const { results, failureResults } = await this.engine.run(facts);
    const byName = new Map<string, RuleResult>();
    for (const r of results) byName.set(r.name, r);
    for (const r of failureResults) byName.set(r.name, r);
    const programs: BaselineProgram[] = [];
    let badge: string | null = null;
    for (const rule of this.rules) {
      const ruleResult = byName.get(rule.program);
      if (!ruleResult) throw new Error(`json-rules-engine returned no result for ${rule.program}`);
      const outcomes = (ruleResult.conditions as unknown as ConditionOutcome).all ?? [];
      const criteria: BaselineCriterion[] = [];
      rule.readers.forEach((reader, i) => {
        const outcome = outcomes[i];
        if (!outcome) throw new Error(`json-rules-engine returned no condition ${i} for ${rule.program}`);
        criteria.push(readCriterion(reader, outcome));
      });
      const eligible = ruleResult.result === true;
      programs.push({ program: rule.program, eligible, criteria });
      if (badge === null && eligible) badge = rule.program;
    }
    return { programs, badge };
  }
}

function leafActual(kind: 'leaf' | 'rate', outcome: ConditionOutcome): MetricValue {
  // A rate's comparison is the second alternative of its `any` (the first is `= null`).
  const comparison = kind === 'rate' ? outcome.any?.[1] : outcome;
  return (comparison?.factResult ?? null) as MetricValue;
}

function readCriterion(reader: CriterionReader, outcome: ConditionOutcome): BaselineCriterion {
  const passed = outcome.result === true;
  switch (reader.kind) {
    case 'exclusion':
      return { id: reader.id, passed, actual: (outcome.not?.factResult ?? null) as MetricValue };
    case 'certification':
      return { id: reader.id, passed, actual: (outcome.factResult ?? null) as MetricValue };
    case 'leaf':
    case 'rate':
      return { id: reader.id, passed, actual: leafActual(reader.kind, outcome) };
    case 'anyOf': {
      const first = outcome.any?.[0];
      return { id: reader.id, passed, actual: first ? leafActual(reader.alternatives[0] ?? 'leaf', first) : null };
    }
  }
}

/**
 * Checks that the baseline and the engine agree: eligibility of every program and the badge, and for
 * programs the shop is not excluded from, every criterion's pass/fail and actual value. Returns the number
 * of criteria compared; throws on the first disagreement.
 */
export function assertAgreement(shopId: string, ours: ShopEvaluation, theirs: BaselineEvaluation): number {
  const fail = (what: string): never => {
    throw new Error(`engine and json-rules-engine disagree for ${shopId}: ${what}`);
  };
  if (ours.programs.length !== theirs.programs.length) fail(`program count ${ours.programs.length} vs ${theirs.programs.length}`);
  if ((ours.badge?.program ?? null) !== theirs.badge) fail(`badge ${ours.badge?.program ?? null} vs ${theirs.badge}`);
  let compared = 0;
  ours.programs.forEach((p, i) => {
    const t = theirs.programs[i] as BaselineProgram;
    if (p.program !== t.program) fail(`program ${i}: ${p.program} vs ${t.program}`);
    if (p.eligible !== t.eligible) fail(`${p.program} eligible ${p.eligible} vs ${t.eligible}`);
    if (p.excludedBy !== null) {
      const exclusion = t.criteria.find((c) => c.id === `excluded-by-${p.excludedBy}`);
      if (!exclusion || exclusion.passed) fail(`${p.program} excluded by ${p.excludedBy} only in the engine`);
      return;
    }
    const criteria = t.criteria.filter((c) => !c.id.startsWith('excluded-by-'));
    if (t.criteria.some((c) => c.id.startsWith('excluded-by-') && !c.passed)) fail(`${p.program} excluded only in json-rules-engine`);
    if (p.criteria.length !== criteria.length) fail(`${p.program} criteria ${p.criteria.length} vs ${criteria.length}`);
    p.criteria.forEach((c, j) => {
      const tc = criteria[j] as BaselineCriterion;
      if (c.id !== tc.id) fail(`${p.program} criterion ${j}: ${c.id} vs ${tc.id}`);
      if (c.passed !== tc.passed) fail(`${p.program}.${c.id} passed ${c.passed} vs ${tc.passed}`);
      if (!Object.is(c.actual, tc.actual)) fail(`${p.program}.${c.id} actual ${String(c.actual)} vs ${String(tc.actual)}`);
      compared++;
    });
  });
  return compared;
}
