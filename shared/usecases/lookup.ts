/**
 * The badge a storefront shows: the one whose month contains `at` in the shop's market zone; with no
 * record for that month, the previous month's badge, stale, for up to 72 hours past its validUntil; never
 * a revoked badge. Imports only what the lookup function needs (its bundle stays small).
 */
import { addMonths, isBadgeMonth, monthContaining, validity, type BadgeMonth, type Market } from '../domain/calendar';
import type { Benefit } from '../domain/evaluate';
import { compactBadge, type BadgeRepository } from '../store/badges';
import type { MonthBadge, ShopRepository, ShopState } from '../store/shops';

export const STALE_GRACE_MS = 72 * 3_600_000;
/** Storefront caches may keep an answer this long at most. */
export const MAX_AGE_SECONDS = 300;

/**
 * Calendar answers, memoised: lookups ask the same few for every shop and every request, and computing
 * them (time-zone offsets through Intl, TZDate) was the largest CPU cost of a lookup after the SDK's (about
 * a third of our code's time in a 100-shop batch). A month's validity never changes; the month containing
 * an instant is known without Intl while the instant stays inside the last month found for that market.
 */
interface MonthSpan {
  from: number;
  until: number;
  validFrom: string;
  validUntil: string;
}

const spans = new Map<string, MonthSpan>();
const SPANS_KEPT = 4096;

function monthSpan(month: BadgeMonth, market: Market): MonthSpan {
  const key = `${market}${month}`;
  let span = spans.get(key);
  if (!span) {
    const { validFrom, validUntil } = validity(month, market);
    span = { from: validFrom.getTime(), until: validUntil.getTime(), validFrom: validFrom.toISOString(), validUntil: validUntil.toISOString() };
    if (spans.size >= SPANS_KEPT) spans.clear();
    spans.set(key, span);
  }
  return span;
}

const lastMonth = new Map<Market, { month: BadgeMonth; from: number; until: number }>();

/** monthContaining, answered from the last month found for the market when the instant lies in it. */
function monthAt(market: Market, instant: Date): BadgeMonth {
  const t = instant.getTime();
  const last = lastMonth.get(market);
  if (last && t >= last.from && t < last.until) return last.month;
  const month = monthContaining(market, instant);
  if (isBadgeMonth(month)) {
    try {
      const { from, until } = monthSpan(month, market);
      lastMonth.set(market, { month, from, until });
    } catch {
      // The calendar's last month (9999-12) has no end to compute: it is simply not remembered.
    }
  }
  return month;
}

export interface BadgeView {
  program: string;
  label: string;
  month: BadgeMonth;
  validFrom: string;
  validUntil: string;
  stale: boolean;
  benefits?: Benefit[];
}

export function badgeView(entry: MonthBadge, month: BadgeMonth, market: Market, stale: boolean): BadgeView | null {
  if (entry.program === null) return null;
  const { validFrom, validUntil } = monthSpan(month, market);
  const view: BadgeView = {
    program: entry.program,
    label: entry.label ?? entry.program,
    month,
    validFrom,
    validUntil,
    stale,
  };
  if (entry.benefits) view.benefits = entry.benefits;
  return view;
}

/**
 * The months whose compact badges the profile holds are enough for `at` from the current month on. A month
 * record written prunes the profile's copies from three months before it (store/badges.ts), and next month
 * may already be evaluated once its period is over (from the 26th), which prunes two months before now: a
 * month before now, or its predecessor for the stale grace, may be gone, so earlier instants read the
 * month records.
 */
export function profileCovers(market: Market, at: Date, now: Date): boolean {
  return monthAt(market, at) >= monthAt(market, now);
}

/** The badge shown at `at`, from a shop's profile state (badges and revocations by month). */
export function badgeAt(state: Pick<ShopState, 'profile' | 'badges' | 'revocations'>, at: Date): BadgeView | null {
  const market = state.profile.market;
  const month = monthAt(market, at);
  const current = state.badges.get(month);
  if (current) return state.revocations.has(month) ? null : badgeView(current, month, market, false);
  const previous = addMonths(month, -1);
  const last = state.badges.get(previous);
  if (!last || last.program === null || state.revocations.has(previous)) return null;
  if (at.getTime() >= monthSpan(previous, market).until + STALE_GRACE_MS) return null;
  return badgeView(last, previous, market, true);
}

/**
 * Seconds a cache may keep the answer: at most 5 minutes, and never past the next month boundary of the
 * shop's market (nor past the end of a stale badge's grace), so no cache shows last month's badge.
 */
export function maxAgeSeconds(now: Date, markets: Iterable<Market>, views: Iterable<BadgeView | null>): number {
  let limit = now.getTime() + MAX_AGE_SECONDS * 1000;
  for (const market of markets) {
    limit = Math.min(limit, monthSpan(monthAt(market, now), market).until);
  }
  for (const view of views) {
    if (view?.stale) limit = Math.min(limit, Date.parse(view.validUntil) + STALE_GRACE_MS);
  }
  return Math.max(0, Math.floor((limit - now.getTime()) / 1000));
}

export interface LookupStores {
  shops: Pick<ShopRepository, 'get' | 'getMany'>;
  badges: Pick<BadgeRepository, 'months'>;
}

/** For an `at` older than the months the profile keeps, the month records themselves (rare: history). */
async function withOlderMonths(stores: LookupStores, state: ShopState, at: Date): Promise<ShopState> {
  const month = monthAt(state.profile.market, at);
  const records = await stores.badges.months(state.profile.shopId, addMonths(month, -1), month);
  const badges = new Map<BadgeMonth, MonthBadge>();
  const revocations = new Map(state.revocations);
  for (const r of records) {
    badges.set(r.month, compactBadge(r.badge, ''));
    if (r.revocation) revocations.set(r.month, r.revocation);
  }
  return { profile: state.profile, badges, revocations };
}

/** Badges of many shops at `at`: one BatchGetItem for up to 100 ids; unknown shops are null. */
export async function lookupBadges(
  stores: LookupStores,
  shopIds: readonly string[],
  at: Date,
  now: Date,
): Promise<{ badges: Map<string, BadgeView | null>; markets: Set<Market> }> {
  const states = shopIds.length === 1 ? await getOne(stores, shopIds[0] as string) : await stores.shops.getMany(shopIds);
  const badges = new Map<string, BadgeView | null>();
  const markets = new Set<Market>();
  await Promise.all(
    shopIds.map(async (id) => {
      let state = states.get(id);
      if (!state) return badges.set(id, null);
      markets.add(state.profile.market);
      // An instant outside the badge calendar (before 1970, or past 9999 in the market's zone) has no badge.
      if (!isBadgeMonth(monthAt(state.profile.market, at))) return badges.set(id, null);
      if (!profileCovers(state.profile.market, at, now)) state = await withOlderMonths(stores, state, at);
      badges.set(id, badgeAt(state, at));
    }),
  );
  return { badges, markets };
}

async function getOne(stores: LookupStores, shopId: string): Promise<Map<string, ShopState>> {
  const state = await stores.shops.get(shopId);
  return new Map(state ? [[shopId, state]] : []);
}
