/**
 * Immediate revocation (programs.md "revoked immediately"): a held badge and a new daily record give
 * revoke-or-keep, with a reason a seller can read.
 */
import { assessmentPeriod, type BadgeMonth, type Market } from './calendar';
import type { DailyRecord } from './metrics';
import { compare, programInForce, type Catalog } from './rules';

export interface HeldBadge {
  program: string;
  month: BadgeMonth;
}

export type RevocationDecision = { revoke: false } | { revoke: true; reason: string };

const KEEP: RevocationDecision = { revoke: false };

/**
 * Revoke when the record meets one of the revocation conditions of the program version that awarded the
 * badge (the one in force in the held badge's month, not today's newest) and is dated on or after the
 * first day of the assessment period that awarded it (older days were already judged).
 */
export function revocationDecision(held: HeldBadge, record: DailyRecord, catalog: Catalog, market: Market): RevocationDecision {
  const program = programInForce(catalog, held.program, held.month);
  if (!program || program.revokeWhen.length === 0) return KEEP;
  if (record.date < assessmentPeriod(held.month, market).from) return KEEP;
  const reasons: string[] = [];
  for (const cond of program.revokeWhen) {
    const value = (record as unknown as Record<string, unknown>)[cond.field];
    if (value === undefined || value === null) continue;
    if (compare(value as number | string | boolean, cond.op, cond.threshold)) {
      reasons.push(`${cond.field} was ${String(value)} (${cond.field} ${cond.op} ${String(cond.threshold)} revokes it)`);
    }
  }
  if (reasons.length === 0) return KEEP;
  return { revoke: true, reason: `${program.label} revoked: the daily record of ${record.date} reports ${reasons.join(' and ')}` };
}
