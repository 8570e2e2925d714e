/**
 * Evaluation of one shop for one badge month: every program of its market in effect that month, each
 * criterion with its actual value, then the one badge by precedence (programs.md "One badge per shop").
 * Deterministic: the same input gives the same output, key order included.
 */
import { addDays, type BadgeMonth, type LocalDate } from './calendar';
import { generateEvaluator, heldSince, type Evaluator, type ProgramResult } from './evaluator';
import type { Aggregates } from './metrics';
import type { CertificationType, CompiledProgram, MarketRules, ShopProfile } from './rules';

export type { ConditionResult, CriterionResult, ProgramResult } from './evaluator';

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

/**
 * The generated evaluator of each compiled rules object, made on first use; the last one is kept at hand
 * (a run evaluates a whole segment, one market and month, with the same rules).
 */
const evaluators = new WeakMap<MarketRules, Evaluator>();
let lastRules: MarketRules | null = null;
let lastEvaluator: Evaluator | null = null;
function evaluatorOf(rules: MarketRules): Evaluator {
  if (rules === lastRules) return lastEvaluator as Evaluator;
  let evaluator = evaluators.get(rules);
  if (evaluator === undefined) {
    evaluator = generateEvaluator(rules.programs);
    evaluators.set(rules, evaluator);
  }
  lastRules = rules;
  lastEvaluator = evaluator;
  return evaluator;
}

/** Evaluates `profile` against the compiled rules of its market and month. */
export function evaluateShop(profile: ShopProfile, aggregates: Pick<Aggregates, 'metrics'>, rules: MarketRules): ShopEvaluation {
  const month = rules.month;
  const certifications = profile.certifications;
  const first = certifications.length > 0 ? firstDayOf(month) : null;
  const metrics = aggregates.metrics;
  const programs = evaluatorOf(rules)(metrics, certifications, first);
  let badge: AwardedBadge | null = null;
  for (let i = 0; i < programs.length; i++) {
    if ((programs[i] as ProgramResult).eligible) {
      badge = badgeOf(rules.programs[i] as CompiledProgram, profile, month);
      break;
    }
  }
  return { month, programs, badge };
}
