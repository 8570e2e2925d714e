/**
 * Demo data that shows the product: 26 shops in each of the 8 markets with daily metrics for the last
 * four badge months (winners, near-misses with one criterion just failing, Mall shops, a revoked shop,
 * GB shops with no programs), and three US shops with history from 2025 through Star Shop, Gold/Silver
 * Star and Official Shop. Deterministic: the same day gives the same data.
 */
import { addDays, addMonths, dayNumber, localDate, MARKET_CODES, timeZoneOf, type LocalDate, type Market } from '../../shared/domain/calendar';
import type { DailyRecord } from '../../shared/domain/metrics';
import type { Certification, ShopProfile } from '../../shared/domain/rules';
import { prng } from './prng';

export type Archetype = 'winner' | 'near-miss' | 'average' | 'mall' | 'revoked' | 'official' | 'authorized' | 'silver' | 'legacy';

interface Profile {
  orders: number;
  lateRate: number;
  cancelRate: number;
  returnRate: number;
  chatRate: number;
  negativeRate: number;
  positiveRate: number;
  rating: number;
  sps: number;
  violationPoints: number;
  reputation: number;
  gmvPerOrder: number;
}

const STRONG: Profile = {
  orders: 9,
  lateRate: 0.01,
  cancelRate: 0.005,
  returnRate: 0.002,
  chatRate: 0.95,
  negativeRate: 0.001,
  positiveRate: 0.93,
  rating: 4.8,
  sps: 4.7,
  violationPoints: 2,
  reputation: 12_000,
  gmvPerOrder: 0,
};

/** Near-misses: each fails exactly one criterion, just. */
const NEAR_MISSES: Partial<Profile>[] = [
  { lateRate: 0.034 },
  { orders: 4.4, gmvPerOrder: 0.5 },
  { chatRate: 0.84 },
  { rating: 4.2 },
  { violationPoints: 12 },
  { cancelRate: 0.032 },
];

const SEA_GMV_PER_ORDER: Record<Market, number> = {
  US: 3_500,
  GB: 2_500,
  TH: 45_000,
  MY: 6_000,
  VN: 250_000,
  PH: 60_000,
  SG: 2_500,
  ID: 15_000_000,
};

export interface DemoShop {
  profile: ShopProfile;
  archetype: Archetype;
  style: Profile;
  /** First day with data. */
  since: LocalDate;
}

export interface DemoData {
  shops: DemoShop[];
  /** Records that revoke a badge once the months are evaluated (the revoked shop's fraud report). */
  revoking: DailyRecord[];
}

function shopsOf(market: Market, today: LocalDate): DemoShop[] {
  const shops: DemoShop[] = [];
  const m = today.slice(0, 7);
  const since = `${addMonths(m, -5)}-26`;
  const onboardedAt = `${addMonths(m, -4)}-10`;
  const sea = market !== 'US' && market !== 'GB';
  const add = (archetype: Archetype, style: Profile, certifications: Certification[] = []) => {
    const n = shops.length + 1;
    shops.push({
      profile: {
        shopId: `${market.toLowerCase()}-${String(n).padStart(4, '0')}`,
        market,
        name: `${market} ${archetype} shop ${n}`,
        onboardedAt,
        certifications,
      },
      archetype,
      style,
      since,
    });
  };
  for (let i = 0; i < 8; i++) add('winner', { ...STRONG, orders: STRONG.orders + i });
  NEAR_MISSES.forEach((miss) => add('near-miss', { ...STRONG, ...miss }));
  for (let i = 0; i < 6; i++) add('average', { ...STRONG, lateRate: 0.06, chatRate: 0.7, rating: 3.9, orders: 3, reputation: 900, sps: 3.6 });
  if (sea) {
    add('mall', STRONG, [{ type: 'mall', since: `${addMonths(m, -6)}-01`, until: null }]);
    add('mall', STRONG, [{ type: 'mall', since: `${addMonths(m, -6)}-01`, until: null }]);
    add('revoked', STRONG);
    add('average', { ...STRONG, orders: 2 });
    add('average', { ...STRONG, negativeRate: 0.02 });
    add('average', { ...STRONG, returnRate: 0.03 });
  } else if (market === 'US') {
    add('official', STRONG, [{ type: 'official-shop', since: `${addMonths(m, -6)}-01`, until: null }]);
    add('authorized', STRONG, [{ type: 'authorized-seller', since: `${addMonths(m, -6)}-01`, until: null }]);
    add('silver', { ...STRONG, reputation: 4_500 });
    add('silver', { ...STRONG, reputation: 2_000 });
    add('revoked', STRONG);
    add('winner', STRONG, [{ type: 'top-brand', since: `${addMonths(m, -6)}-01` }]);
  } else {
    for (let i = 0; i < 6; i++) add('winner', STRONG);
  }
  return shops;
}

/** US shops with a longer history: Star Shop (to 2025-06), then Gold/Silver Star, Official Shop, TOP. */
function legacyShops(): DemoShop[] {
  return [
    { id: 'us-legacy-star', certs: [] },
    { id: 'us-legacy-official', certs: [{ type: 'official-shop' as const, since: '2025-12-15' }] },
    { id: 'us-legacy-top', certs: [{ type: 'super-top-seller' as const, since: '2026-01-28' }] },
  ].map(({ id, certs }) => ({
    profile: { shopId: id, market: 'US' as const, name: id, onboardedAt: '2025-03-01', certifications: certs },
    archetype: 'legacy' as const,
    style: STRONG,
    since: '2025-04-26',
  }));
}

function dayRecord(shop: DemoShop, date: LocalDate, rand: () => number): DailyRecord {
  const s = shop.style;
  const market = shop.profile.market;
  const ordersPlaced = Math.max(0, Math.round(s.orders + (rand() - 0.5) * 2));
  const ordersShipped = ordersPlaced;
  const pick = (rate: number, of: number) => Math.min(of, Math.floor(rate * of + rand()));
  const ordersCancelled = pick(s.cancelRate * 1.5, ordersPlaced);
  const sellerFaultCancellations = Math.min(ordersCancelled, pick(s.cancelRate, ordersPlaced));
  const ordersReturned = Math.min(ordersPlaced - ordersCancelled, pick(s.returnRate * 2, ordersPlaced));
  const ordersRefunded = 0;
  const sellerFaultReturns = Math.min(ordersReturned, pick(s.returnRate, ordersShipped));
  const chatsReceived = Math.round(6 + rand() * 6);
  const productRatings = Math.round(ordersShipped * 0.6);
  const reviews = Math.round(ordersShipped * 0.6);
  return {
    shopId: shop.profile.shopId,
    date,
    ordersPlaced,
    ordersCancelled,
    sellerFaultCancellations,
    ordersShipped,
    lateDispatches: pick(s.lateRate, ordersShipped),
    ordersReturned,
    ordersRefunded,
    sellerFaultReturns,
    gmv: Math.round(ordersPlaced * SEA_GMV_PER_ORDER[market] * (s.gmvPerOrder || 1)),
    chatsReceived,
    chatsAnsweredWithin24h: pick(s.chatRate, chatsReceived),
    reviews,
    negativeReviews: pick(s.negativeRate, reviews),
    productRatings,
    positiveProductRatings: pick(s.positiveRate, productRatings),
    uniqueBuyers30d: Math.round(s.orders * 20),
    shopPerformanceScore: s.sps,
    shopRating: s.rating,
    violationPoints: s.violationPoints,
    fraudViolations: 0,
    counterfeitViolations: 0,
    reputationPoints: s.reputation,
    status: 'active',
    probationGraduated: true,
    hasLogo: true,
    sellableProducts: 40,
    freeShippingShare: 0.8,
    returnWindowDays: 30,
    gmv365d: shop.profile.shopId === 'us-legacy-top' ? 1_500_000_000 : 90_000_000,
  };
}

/** Exact rates over a period: the near-miss chat rate is set on the totals, not left to rounding. */
function tuneNearMisses(records: DailyRecord[], shop: DemoShop): void {
  if (shop.archetype !== 'near-miss') return;
  for (const r of records) {
    if (shop.style.chatRate === 0.84) {
      r.chatsReceived = 25;
      r.chatsAnsweredWithin24h = 21;
    }
    // About one late dispatch every third day of ~9 orders: 3.3% to 3.7%, just over the 3% bar.
    if (shop.style.lateRate === 0.034) r.lateDispatches = r.ordersShipped > 0 && dayNumber(r.date) % 3 === 0 ? 1 : 0;
    // One seller-fault cancellation every third day of ~9 orders: about 3.7%, just over the 3% bar.
    if (shop.style.cancelRate === 0.032) {
      const cancelled = r.ordersPlaced > 0 && dayNumber(r.date) % 3 === 0 ? 1 : 0;
      r.sellerFaultCancellations = cancelled;
      r.ordersCancelled = Math.max(r.ordersCancelled, cancelled);
      r.ordersReturned = Math.min(r.ordersReturned, r.ordersPlaced - r.ordersCancelled);
      r.sellerFaultReturns = Math.min(r.sellerFaultReturns, r.ordersReturned);
    }
  }
}

export function demoData(now: Date): DemoData {
  const shops: DemoShop[] = [];
  for (const market of MARKET_CODES) shops.push(...shopsOf(market, localDate(now, timeZoneOf(market))));
  shops.push(...legacyShops());
  const revoking: DailyRecord[] = [];
  for (const shop of shops) {
    if (shop.archetype !== 'revoked') continue;
    const today = localDate(now, timeZoneOf(shop.profile.market));
    const rand = prng(dayNumber(today));
    revoking.push({ ...dayRecord(shop, today, rand), fraudViolations: 1 });
  }
  return { shops, revoking };
}

/** The daily records of one demo shop from its first day through today (market-local). */
export function demoRecords(shop: DemoShop, now: Date): DailyRecord[] {
  const today = localDate(now, timeZoneOf(shop.profile.market));
  const records: DailyRecord[] = [];
  let seed = 0;
  for (const ch of shop.profile.shopId) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  for (let date = shop.since; date <= today; date = addDays(date, 1)) {
    records.push(dayRecord(shop, date, prng(seed ^ dayNumber(date))));
  }
  tuneNearMisses(records, shop);
  return records;
}

