/**
 * Evaluation of one shop for one badge month: every program of its market in effect that month, each
 * criterion with its actual value, then the one badge by precedence (programs.md "One badge per shop").
 * Deterministic: the same input gives the same output, key order included.
 */
import { addDays, type BadgeMonth, type LocalDate } from './calendar';
import type { Aggregates, MetricName, MetricValue } from './metrics';
import type { Certification, CertificationType, CompiledCondition, CompiledCriterion, CompiledProgram, MarketRules, Operator, ShopProfile } from './rules';
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

/** `${month}-01`, built once per badge month (the per-shop loop then compares flat, interned strings). */
const firstDays = new Map<BadgeMonth, LocalDate>();
function firstDayOf(month: BadgeMonth): LocalDate {
  let first = firstDays.get(month);
  if (first === undefined) {
    first = `${month}-01`;
    firstDays.set(month, first);
  }
  return first;
}

/** The grant date of the first certification of `type` that counts on `first` (the 1st of M), or null. */
function heldSince(
  certifications: readonly Certification[],
  type: CertificationType,
  first: LocalDate,
  grantedWithin: { from: LocalDate; to: LocalDate } | undefined,
): LocalDate | null {
  for (let i = 0; i < certifications.length; i++) {
    const c = certifications[i] as Certification;
    if (c.type !== type || c.since > first) continue;
    if (c.until !== undefined && c.until !== null && c.until <= first) continue;
    if (grantedWithin && (c.since < grantedWithin.from || c.since > grantedWithin.to)) continue;
    return c.since;
  }
  return null;
}

/** A certification counts for month M when granted on or before the 1st of M and not revoked by then. */
export function certificationFor(
  profile: Pick<ShopProfile, 'certifications'>,
  type: CertificationType,
  month: BadgeMonth,
  grantedWithin?: { from: LocalDate; to: LocalDate },
): { since: LocalDate } | null {
  const since = heldSince(profile.certifications, type, firstDayOf(month), grantedWithin);
  return since === null ? null : { since };
}

type Requirement = CompiledProgram['requires'][number];

/** The label of a certification criterion, built once per compiled requirement rather than once per shop. */
const requirementLabels = new WeakMap<Requirement, string>();
function requirementLabel(req: Requirement): string {
  let label = requirementLabels.get(req);
  if (label === undefined) {
    label = req.grantedWithin
      ? `Holds the ${req.certification} certification, granted ${req.grantedWithin.from} to ${req.grantedWithin.to}`
      : `Holds the ${req.certification} certification`;
    requirementLabels.set(req, label);
  }
  return label;
}


function conditionPassed(cond: CompiledCondition, actual: MetricValue): boolean {
  return actual === null ? cond.nullPasses : compare(actual, cond.op, cond.threshold);
}

/**
 * The hot path (a run evaluates every shop of a market with the same compiled rules): indexed loops, one
 * object literal per result (stable shapes), arrays allocated at their final length (no growing), and no
 * certification lookup at all for a shop without certifications (most shops). `first` is the 1st of the
 * badge month, or null when the shop has none.
 */
function evaluateProgram(program: CompiledProgram, certifications: readonly Certification[], metrics: Aggregates['metrics'], first: LocalDate | null): ProgramResult {
  if (first !== null) {
    const excludedBy = program.excludedBy;
    for (let i = 0; i < excludedBy.length; i++) {
      const type = excludedBy[i] as CertificationType;
      if (heldSince(certifications, type, first, undefined) !== null) {
        return { program: program.id, label: program.label, version: program.version, eligible: false, excludedBy: type, criteria: [] };
      }
    }
  }
  const requires = program.requires;
  const compiled = program.criteria;
  const criteria: CriterionResult[] = new Array(requires.length + compiled.length);
  let n = 0;
  let eligible = true;
  for (let i = 0; i < requires.length; i++) {
    const req = requires[i] as Requirement;
    const held = first !== null && heldSince(certifications, req.certification, first, req.grantedWithin) !== null;
    if (!held) eligible = false;
    criteria[n++] = { id: 'certification', label: requirementLabel(req), metric: 'certification', op: 'held', threshold: req.certification, actual: held, passed: held };
  }
  for (let i = 0; i < compiled.length; i++) {
    const c = compiled[i] as CompiledCriterion;
    const alternatives = c.anyOf;
    if (alternatives === null) {
      const actual = c.read(metrics);
      const passed = conditionPassed(c, actual);
      if (!passed) eligible = false;
      criteria[n++] = { id: c.id, label: c.label, metric: c.metric, op: c.op, threshold: c.threshold, actual, passed };
      continue;
    }
    const anyOf: ConditionResult[] = new Array(alternatives.length);
    let passed = false;
    for (let j = 0; j < alternatives.length; j++) {
      const alt = alternatives[j] as CompiledCondition;
      const actual = alt.read(metrics);
      const ok = conditionPassed(alt, actual);
      if (ok) passed = true;
      anyOf[j] = { metric: alt.metric, op: alt.op, threshold: alt.threshold, actual, passed: ok };
    }
    if (!passed) eligible = false;
    const head = anyOf[0] as ConditionResult;
    criteria[n++] = { id: c.id, label: c.label, metric: head.metric, op: head.op, threshold: head.threshold, actual: head.actual, passed, anyOf };
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
  const month = rules.month;
  const certifications = profile.certifications;
  const first = certifications.length > 0 ? firstDayOf(month) : null;
  const metrics = aggregates.metrics;
  const compiled = rules.programs;
  const programs: ProgramResult[] = new Array(compiled.length);
  let badge: AwardedBadge | null = null;
  for (let i = 0; i < compiled.length; i++) {
    const program = compiled[i] as CompiledProgram;
    const result = evaluateProgram(program, certifications, metrics, first);
    programs[i] = result;
    if (badge === null && result.eligible) badge = badgeOf(program, profile, month);
  }
  return { month, programs, badge };
}
