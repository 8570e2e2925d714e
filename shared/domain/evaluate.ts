/**
 * Evaluation of one shop for one badge month: every program of its market in effect that month, each
 * criterion with its actual value, then the one badge by precedence (programs.md "One badge per shop").
 * Deterministic: the same input gives the same output, key order included.
 */
import { addDays, type BadgeMonth, type LocalDate } from './calendar';
import type { Aggregates, MetricName, MetricValue } from './metrics';
import { heldSince } from './evaluator';
import type { CertificationType, CompiledProgram, MarketRules, Operator, ShopProfile } from './rules';

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
  const programs = rules.evaluate(metrics, certifications, first);
  let badge: AwardedBadge | null = null;
  for (let i = 0; i < programs.length; i++) {
    if ((programs[i] as ProgramResult).eligible) {
      badge = badgeOf(rules.programs[i] as CompiledProgram, profile, month);
      break;
    }
  }
  return { month, programs, badge };
}
