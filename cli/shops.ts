/** `badges shop SHOP` (the eligibility of a month, criterion by criterion) and `badges revoke SHOP`. */
import type { CriterionView, EligibilityView } from './api-types';
import type { Context } from './context';
import { fields, table, type Cell } from './table';

/** Actual values and thresholds alike: integers grouped, fractions to 6 significant digits. */
function value(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6)));
  if (v === null || v === undefined) return '-';
  return typeof v === 'object' ? JSON.stringify(v) : String(v as string | boolean);
}

function criterionRows(c: CriterionView): Cell[][] {
  const row: Cell[] = [c.id, value(c.actual), `${c.op} ${value(c.threshold)}`, c.passed ? 'yes' : 'NO'];
  if (!c.anyOf || c.anyOf.length < 2) return [row];
  // An either/or criterion: one line per alternative under it.
  return [row, ...c.anyOf.map((alt) => [`  or ${alt.metric}`, value(alt.actual), `${alt.op} ${value(alt.threshold)}`, alt.passed ? 'yes' : 'no'])];
}

export function renderEligibility(e: EligibilityView): string {
  const parts = [
    fields([
      ['shop', e.shopId],
      ['market', e.market],
      ['month', e.month],
      ['period', e.period ? `${e.period.from} to ${e.period.to} (${e.period.timeZone})` : undefined],
      ['status', e.status],
      ['badge', e.badge ? `${e.badge.label} (${e.badge.program})` : 'none'],
      ...(e.revocation ? ([['revoked', `${e.revocation.at}: ${e.revocation.reason}`]] as [string, Cell][]) : []),
      ['evaluated', e.evaluatedAt ?? 'not yet'],
    ]),
  ];
  for (const p of e.programs) {
    const state = p.excludedBy ? `excluded by ${p.excludedBy}` : p.eligible ? 'eligible' : 'not eligible';
    parts.push('', `${p.label} (${p.program}${p.version ? ` ${p.version}` : ''}): ${state}`);
    if (p.criteria.length > 0) parts.push(table(['criterion', 'actual', 'threshold', 'passed'], p.criteria.flatMap(criterionRows)));
  }
  if (e.status === 'pending') parts.push('', `no evaluation of ${e.month} yet`);
  return parts.join('\n');
}

export async function showShop(ctx: Context, shopId: string, month: string | undefined): Promise<number> {
  const query = month ? `?month=${month}` : '';
  const e = await ctx.client.json<EligibilityView>('GET', `/v1/shops/${encodeURIComponent(shopId)}/eligibility${query}`);
  ctx.out.result(e, () => renderEligibility(e));
  return 0;
}

export async function revokeShop(ctx: Context, shopId: string, reason: string): Promise<number> {
  const e = await ctx.client.json<EligibilityView>('POST', `/v1/shops/${encodeURIComponent(shopId)}/revocations`, { reason });
  ctx.out.note(`revoked the ${e.month} badge of ${shopId}`);
  ctx.out.result(e, () => renderEligibility(e));
  return 0;
}
