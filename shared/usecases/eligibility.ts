/** The Seller Center views: eligibility of a month, history, projection, and an operator's revocation. */
import {
  addMonths,
  assessmentPeriod,
  firstMonthAfter,
  localDate,
  monthAssessedOn,
  monthContaining,
  timeZoneOf,
  type AssessmentPeriod,
  type BadgeMonth,
  type Market,
} from '../domain/calendar';
import type { ProgramResult } from '../domain/evaluate';
import { projectShop } from '../domain/projection';
import { conflict, notFound } from '../errors';
import { compactBadge, type MonthRecord } from '../store/badges';
import type { Revocation, ShopState } from '../store/shops';
import { badgeAt, badgeView, type BadgeView } from './lookup';
import type { Services } from './services';

export type EligibilityStatus = 'awarded' | 'not-eligible' | 'revoked' | 'pending';

export interface Eligibility {
  shopId: string;
  market: Market;
  month: BadgeMonth;
  period: AssessmentPeriod;
  status: EligibilityStatus;
  badge: BadgeView | null;
  programs: ProgramResult[];
  revocation: Revocation | null;
  evaluatedAt: string | null;
  runId: string | null;
}

async function requireShop(svc: Services, shopId: string): Promise<ShopState> {
  const state = await svc.shops.get(shopId);
  if (!state) throw notFound(`shop ${shopId} has no profile; create it with PUT /v1/shops/${shopId}`);
  return state;
}

function statusOf(record: MonthRecord | null): EligibilityStatus {
  if (!record) return 'pending';
  if (record.revocation) return 'revoked';
  return record.badge ? 'awarded' : 'not-eligible';
}

export function eligibilityOf(state: ShopState, month: BadgeMonth, record: MonthRecord | null): Eligibility {
  const { market, shopId } = state.profile;
  const status = statusOf(record);
  return {
    shopId,
    market,
    month,
    period: assessmentPeriod(month, market),
    status,
    badge: record && status === 'awarded' ? badgeView(compactBadge(record.badge, ''), month, market, false) : null,
    programs: record?.programs ?? [],
    revocation: record?.revocation ?? null,
    evaluatedAt: record?.evaluatedAt ?? null,
    runId: record?.runId ?? null,
  };
}

export async function eligibility(svc: Services, shopId: string, month?: BadgeMonth): Promise<Eligibility> {
  const state = await requireShop(svc, shopId);
  const m = month ?? monthContaining(state.profile.market, svc.clock());
  return eligibilityOf(state, m, await svc.badges.getMonth(shopId, m));
}

export interface History {
  shopId: string;
  months: { month: BadgeMonth; status: EligibilityStatus; badge: BadgeView | null }[];
}

/** The current badge month and those before it, newest first, never before the shop's first month. */
export async function history(svc: Services, shopId: string, limit: number): Promise<History> {
  const state = await requireShop(svc, shopId);
  const current = monthContaining(state.profile.market, svc.clock());
  const first = firstMonthAfter(state.profile.onboardedAt);
  let oldest = addMonths(current, -(limit - 1));
  if (oldest < first) oldest = first;
  if (oldest > current) return { shopId, months: [] };
  const records = new Map((await svc.badges.months(shopId, oldest, current)).map((r) => [r.month, r]));
  const months: History['months'] = [];
  for (let m = current; m >= oldest; m = addMonths(m, -1)) {
    const e = eligibilityOf(state, m, records.get(m) ?? null);
    months.push({ month: m, status: e.status, badge: e.badge });
  }
  return { shopId, months };
}

export interface ProjectionView extends Eligibility {
  asOf: string | null;
  daysLeft: number;
}

/** "If we evaluated today": the period open on today's market-local date, with the days so far. */
export async function projection(svc: Services, shopId: string): Promise<ProjectionView> {
  const state = await requireShop(svc, shopId);
  const { market } = state.profile;
  const now = svc.clock();
  const today = localDate(now, timeZoneOf(market));
  const period = assessmentPeriod(monthAssessedOn(today), market);
  const records = await svc.metrics.days(shopId, period.from, today);
  const p = projectShop(state.profile, records, today, (m) => svc.rules.get(market, m));
  return {
    shopId,
    market,
    month: p.month,
    period: p.period,
    status: p.badge ? 'awarded' : 'not-eligible',
    badge: p.badge ? badgeView(compactBadge(p.badge, ''), p.month, market, false) : null,
    programs: p.programs,
    revocation: null,
    evaluatedAt: now.toISOString(),
    runId: null,
    asOf: p.asOf,
    daysLeft: p.daysLeft,
  };
}

/** Revokes the badge the shop holds now (this month's, or last month's while shown stale). */
export async function revokeNow(svc: Services, shopId: string, reason: string): Promise<Eligibility> {
  const state = await requireShop(svc, shopId);
  const now = svc.clock();
  const held = badgeAt(state, now);
  if (!held) throw conflict(`shop ${shopId} holds no badge now, so there is nothing to revoke`);
  await svc.badges.revoke(shopId, held.month, { at: now.toISOString(), reason });
  return eligibilityOf(state, held.month, await svc.badges.getMonth(shopId, held.month, true));
}
