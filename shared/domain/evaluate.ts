/**
 * Evaluation of one shop for one badge month: every program of its market in effect that month, each
 * criterion with its actual value, then the one badge by precedence (programs.md "One badge per shop").
 * Deterministic: the same input gives the same output, key order included.
 */
import { addDays, type BadgeMonth, type LocalDate } from './calendar';
import type { Aggregates, MetricName, MetricValue } from './metrics';
import type { CertificationType, CompiledCondition, CompiledProgram, MarketRules, Operator, ShopProfile } from './rules';
import { compare } from './rules';

export interface ConditionResult {
  metric: MetricName;
  op: Operator;
  threshold: number | string | boolean;
  actual: MetricValue;
  passed: boolean;
}

export interface CriterionResult {
  id: string;
  label: string;
  metric: MetricName | 'certification';
  op: Operator | 'held';
  threshold: number | string | boolean;
  actual: MetricValue;
  passed: boolean;
  anyOf?: ConditionResult[];
  /** Projection only: how far a failing criterion is from passing, in the metric's unit. */
  gap?: number | null;
}

export interface ProgramResult {
  program: string;
  label: string;
  version: string;
  eligible: boolean;
  excludedBy: CertificationType | null;
  criteria: CriterionResult[];
}

export interface Benefit {
  kind: string;
  description: string;
  until: LocalDate | null;
}

export interface AwardedBadge {
  program: string;
  label: string;
  benefits?: Benefit[];
}

export interface ShopEvaluation {
  month: BadgeMonth;
  programs: ProgramResult[];
  badge: AwardedBadge | null;
}

/** A certification counts for month M when granted on or before the 1st of M and not revoked by then. */
export function certificationFor(
  profile: Pick<ShopProfile, 'certifications'>,
  type: CertificationType,
  month: BadgeMonth,
  grantedWithin?: { from: LocalDate; to: LocalDate },
): { since: LocalDate } | null {
  const first = `${month}-01`;
  for (const c of profile.certifications) {
    if (c.type !== type || c.since > first) continue;
    if (c.until !== undefined && c.until !== null && c.until <= first) continue;
    if (grantedWithin && (c.since < grantedWithin.from || c.since > grantedWithin.to)) continue;
    return { since: c.since };
  }
  return null;
}

function conditionPassed(cond: CompiledCondition, actual: MetricValue): boolean {
  return actual === null ? cond.nullPasses : compare(actual, cond.op, cond.threshold);
}

function evaluateProgram(program: CompiledProgram, profile: ShopProfile, metrics: Aggregates['metrics'], month: BadgeMonth): ProgramResult {
  for (const type of program.excludedBy) {
    if (certificationFor(profile, type, month)) {
      return { program: program.id, label: program.label, version: program.version, eligible: false, excludedBy: type, criteria: [] };
    }
  }
  const criteria: CriterionResult[] = [];
  let eligible = true;
  for (const req of program.requires) {
    const held = certificationFor(profile, req.certification, month, req.grantedWithin) !== null;
    eligible &&= held;
    criteria.push({
      id: 'certification',
      label: req.grantedWithin
        ? `Holds the ${req.certification} certification, granted ${req.grantedWithin.from} to ${req.grantedWithin.to}`
        : `Holds the ${req.certification} certification`,
      metric: 'certification',
      op: 'held',
      threshold: req.certification,
      actual: held,
      passed: held,
    });
  }
  for (const c of program.criteria) {
    if (c.anyOf === null) {
      const actual = metrics[c.metric];
      const passed = conditionPassed(c, actual);
      eligible &&= passed;
      criteria.push({ id: c.id, label: c.label, metric: c.metric, op: c.op, threshold: c.threshold, actual, passed });
      continue;
    }
    const anyOf: ConditionResult[] = [];
    let passed = false;
    for (const alt of c.anyOf) {
      const actual = metrics[alt.metric];
      const ok = conditionPassed(alt, actual);
      passed ||= ok;
      anyOf.push({ metric: alt.metric, op: alt.op, threshold: alt.threshold, actual, passed: ok });
    }
    eligible &&= passed;
    const first = anyOf[0] as ConditionResult;
    criteria.push({ id: c.id, label: c.label, metric: first.metric, op: first.op, threshold: first.threshold, actual: first.actual, passed, anyOf });
  }
  return { program: program.id, label: program.label, version: program.version, eligible, excludedBy: null, criteria };
}

function badgeOf(program: CompiledProgram, profile: ShopProfile, month: BadgeMonth): AwardedBadge {
  const badge: AwardedBadge = { program: program.id, label: program.label };
  if (program.benefits.length > 0) {
    const req = program.requires[0];
    const cert = req ? certificationFor(profile, req.certification, month, req.grantedWithin) : null;
    badge.benefits = program.benefits.map((b) => ({
      kind: b.kind,
      description: b.description,
      until: b.daysAfterCertification !== undefined && cert ? addDays(cert.since, b.daysAfterCertification) : null,
    }));
  }
  return badge;
}

/** Evaluates `profile` against the compiled rules of its market and month. */
export function evaluateShop(profile: ShopProfile, aggregates: Pick<Aggregates, 'metrics'>, rules: MarketRules): ShopEvaluation {
  const programs: ProgramResult[] = [];
  let badge: AwardedBadge | null = null;
  for (const program of rules.programs) {
    const result = evaluateProgram(program, profile, aggregates.metrics, rules.month);
    programs.push(result);
    if (badge === null && result.eligible) badge = badgeOf(program, profile, rules.month);
  }
  return { month: rules.month, programs, badge };
}
