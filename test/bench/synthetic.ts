/**
 * Deterministic synthetic shops for the benchmarks: profiles, 30 daily records each, and their period
 * Aggregates. Seeded PRNG only (no Math.random), so the same seed and count give the same shops, the same
 * evaluations and therefore the same output checksum on every machine.
 *
 * The mix: the markets with programs (TH, MY, VN, PH, SG, ID and US), some Mall shops in SEA, US shops with
 * official-shop / authorized-seller / top-brand / super-top-seller certifications (some revoked, some granted
 * too late to count), and metrics drawn per shop "tier" so that many shops land near a threshold
 * (rates around 3%, shop ratings of exactly 4.2, violation points around 12, volumes around 150 orders).
 */
import { addDays, assessmentPeriod, dateOfDayNumber, dayNumber, type BadgeMonth, type LocalDate, type Market } from '../../shared/domain/calendar';
import { aggregate, type Aggregates, type DailyRecord, type ShopStatus } from '../../shared/domain/metrics';
import type { Certification, CertificationType, ShopProfile } from '../../shared/domain/rules';
import { PairedDraw, prng, type Draw } from '../../functions/local/prng';

export interface SyntheticShop {
  profile: ShopProfile;
  month: BadgeMonth;
  aggregates: Aggregates;
}

export interface SyntheticOptions {
  shops: number;
  seed: number;
  /** Keep the daily records of the first N shops (for the aggregation measurement). */
  keepRecordsFor?: number;
}

export interface SyntheticData {
  shops: SyntheticShop[];
  /** Daily records of the first `keepRecordsFor` shops, with their period. */
  records: { records: DailyRecord[]; period: { from: LocalDate; to: LocalDate } }[];
}

export const DAYS_PER_SHOP = 30;

const MARKET_WEIGHTS: [Market, number][] = [
  ['TH', 0.17],
  ['MY', 0.11],
  ['VN', 0.14],
  ['PH', 0.11],
  ['SG', 0.05],
  ['ID', 0.17],
  ['US', 0.25],
];
/** 2025-06: Star Shop era; 2025-09: Gold/Silver Star; 2026-03: Official Shop and the TOP Program too. */
const MONTH_WEIGHTS: [BadgeMonth, number][] = [
  ['2025-06', 0.15],
  ['2025-09', 0.25],
  ['2026-03', 0.6],
];
/** Average order value per market, in the currency's minor units. */
export const ORDER_VALUE: Record<Market, number> = {
  US: 3_500,
  GB: 2_500,
  TH: 30_000,
  MY: 4_000,
  VN: 150_000,
  PH: 40_000,
  SG: 3_000,
  ID: 10_000_000,
};

/** How close a shop runs to the thresholds; 'new' shops have little volume and draw from the weak ranges. */
export type Tier = 'strong' | 'near' | 'weak' | 'new';
export const TIER_WEIGHTS: [Tier, number][] = [
  ['strong', 0.45],
  ['near', 0.3],
  ['weak', 0.2],
  ['new', 0.05],
];

/** Draws a uniform value from the range of the shop's tier. */
export function byTier(d: Draw, tier: Tier): (strong: [number, number], near: [number, number], weak: [number, number]) => number {
  return (strong, near, weak) => {
    const [lo, hi] = tier === 'strong' ? strong : tier === 'near' ? near : weak;
    return d.uniform(lo, hi);
  };
}

/** Per-shop behaviour: the probabilities and gauge levels its daily records are drawn from. */
interface Behaviour {
  dailyOrders: number;
  buyerCancel: number;
  sellerFaultCancel: number;
  late: number;
  otherReturn: number;
  sellerFaultReturn: number;
  refund: number;
  chatsPerOrder: number;
  chatReply: number;
  reviewsPerOrder: number;
  negativeReview: number;
  ratingsPerOrder: number;
  positiveRating: number;
  gaugeReportChance: number;
  missingGauge: string | null;
  shopRating: number;
  shopPerformanceScore: number;
  violationPoints: number;
  reputationPoints: number;
  status: ShopStatus;
  probationGraduated: boolean;
  hasLogo: boolean;
  sellableProducts: number;
  freeShippingShare: number;
  returnWindowDays: number;
  gmv365d: number;
  fraudDay: number;
  counterfeitDay: number;
}

function behaviour(d: Draw, tier: Tier, market: Market, superTopSeller: boolean): Behaviour {
  const pick3 = byTier(d, tier);
  // Daily orders: log-normal with a median near 5/day (about 150 a period, the volume threshold).
  const volumeBias = tier === 'strong' ? 0.6 : tier === 'new' ? -1.5 : 0;
  const dailyOrders = Math.exp(1.6 + volumeBias + 0.9 * d.normal());
  const statusRoll = d.next();
  const status: ShopStatus = statusRoll < 0.95 ? 'active' : statusRoll < 0.97 ? 'inactive' : statusRoll < 0.99 ? 'suspended' : 'closed';
  const missing = ['uniqueBuyers30d', 'shopRating', 'violationPoints', 'shopPerformanceScore', 'status'];
  return {
    dailyOrders,
    buyerCancel: d.uniform(0, 0.03),
    sellerFaultCancel: pick3([0, 0.015], [0.022, 0.038], [0.03, 0.1]),
    late: pick3([0, 0.015], [0.022, 0.038], [0.03, 0.12]),
    otherReturn: d.uniform(0, 0.02),
    sellerFaultReturn: pick3([0, 0.005], [0.007, 0.013], [0.01, 0.03]),
    refund: d.uniform(0, 0.01),
    chatsPerOrder: d.uniform(0.2, 1.5),
    chatReply: pick3([0.9, 1], [0.82, 0.9], [0.5, 0.88]),
    reviewsPerOrder: d.uniform(0.2, 0.6),
    negativeReview: pick3([0, 0.003], [0.003, 0.006], [0.004, 0.02]),
    ratingsPerOrder: d.uniform(0.2, 0.6),
    positiveRating: pick3([0.85, 1], [0.76, 0.84], [0.5, 0.85]),
    gaugeReportChance: tier === 'new' ? 0.15 : 0.9,
    missingGauge: d.chance(0.02) ? (missing[d.int(0, missing.length - 1)] as string) : null,
    shopRating: d.round(pick3([4.4, 5], [market === 'PH' ? 3.9 : 4.1, market === 'PH' ? 4.2 : 4.4], [3, 4.3]), 1),
    shopPerformanceScore: d.round(pick3([4.5, 5], [3.4, 4.6], [2.5, 4.2]), 2),
    violationPoints: Math.floor(pick3([0, 4], [9, 14], [0, 24])),
    reputationPoints: Math.round(Math.exp(8 + 1.3 * d.normal())),
    status,
    probationGraduated: d.chance(0.9),
    hasLogo: d.chance(0.92),
    sellableProducts: d.int(0, 400),
    freeShippingShare: d.round(d.uniform(0.4, 1), 2),
    returnWindowDays: [14, 30, 30, 60, 90][d.int(0, 4)] as number,
    gmv365d: Math.round(superTopSeller ? d.uniform(5e8, 3e9) : Math.exp(17 + 1.5 * d.normal())),
    fraudDay: d.chance(0.01) ? d.int(0, DAYS_PER_SHOP - 1) : -1,
    counterfeitDay: d.chance(0.01) ? d.int(0, DAYS_PER_SHOP - 1) : -1,
  };
}

function dailyRecords(d: Draw, shopId: string, market: Market, b: Behaviour, dates: readonly LocalDate[]): DailyRecord[] {
  const records: DailyRecord[] = [];
  const orderValue = ORDER_VALUE[market];
  const us = market === 'US';
  for (let day = 0; day < dates.length; day++) {
    const date = dates[day] as LocalDate;
    const ordersPlaced = Math.max(0, Math.round(b.dailyOrders * d.uniform(0.5, 1.5)));
    const sellerFaultCancellations = d.binomial(ordersPlaced, b.sellerFaultCancel);
    const ordersCancelled = sellerFaultCancellations + d.binomial(ordersPlaced - sellerFaultCancellations, b.buyerCancel);
    const ordersShipped = ordersPlaced - ordersCancelled;
    const sellerFaultReturns = d.binomial(ordersShipped, b.sellerFaultReturn);
    const ordersReturned = sellerFaultReturns + d.binomial(ordersShipped - sellerFaultReturns, b.otherReturn);
    const ordersRefunded = d.binomial(ordersShipped - ordersReturned, b.refund);
    const chatsReceived = Math.round(ordersPlaced * b.chatsPerOrder);
    const reviews = d.binomial(ordersShipped, b.reviewsPerOrder);
    const productRatings = d.binomial(ordersShipped, b.ratingsPerOrder);
    const record: DailyRecord = {
      shopId,
      date,
      ordersPlaced,
      ordersCancelled,
      sellerFaultCancellations,
      ordersShipped,
      lateDispatches: d.binomial(ordersShipped, b.late),
      ordersReturned,
      ordersRefunded,
      sellerFaultReturns,
      gmv: Math.round(ordersPlaced * orderValue * d.uniform(0.6, 1.4)),
      chatsReceived,
      chatsAnsweredWithin24h: d.binomial(chatsReceived, b.chatReply),
      reviews,
      negativeReviews: d.binomial(reviews, b.negativeReview * 3),
      productRatings,
      positiveProductRatings: d.binomial(productRatings, b.positiveRating),
    };
    if (d.chance(b.gaugeReportChance)) {
      if (b.missingGauge !== 'uniqueBuyers30d') record.uniqueBuyers30d = Math.round(b.dailyOrders * 30 * d.uniform(0.08, 0.2));
      if (b.missingGauge !== 'shopRating') record.shopRating = b.shopRating;
      if (b.missingGauge !== 'violationPoints') record.violationPoints = b.violationPoints;
      if (b.missingGauge !== 'status') record.status = b.status;
      record.fraudViolations = day === b.fraudDay ? 1 : 0;
      record.counterfeitViolations = day === b.counterfeitDay ? 1 : 0;
      if (us) {
        if (b.missingGauge !== 'shopPerformanceScore') record.shopPerformanceScore = b.shopPerformanceScore;
        record.reputationPoints = b.reputationPoints;
        record.probationGraduated = b.probationGraduated;
        record.hasLogo = b.hasLogo;
        record.sellableProducts = b.sellableProducts;
        record.freeShippingShare = b.freeShippingShare;
        record.returnWindowDays = b.returnWindowDays;
        record.gmv365d = b.gmv365d;
      }
    } else if (day === b.fraudDay || day === b.counterfeitDay) {
      record.fraudViolations = day === b.fraudDay ? 1 : 0;
      record.counterfeitViolations = day === b.counterfeitDay ? 1 : 0;
    }
    records.push(record);
  }
  return records;
}

function certification(d: Draw, type: CertificationType, month: BadgeMonth): Certification {
  const first = dayNumber(`${month}-01`);
  // Mostly granted well before the month; some granted after the 1st (do not count yet).
  const since = dateOfDayNumber(first - d.int(-20, 900));
  const cert: Certification = { type, since };
  if (d.chance(0.1)) cert.until = addDays(since, d.int(30, 700));
  return cert;
}

function certifications(d: Draw, market: Market, month: BadgeMonth): { certs: Certification[]; superTopSeller: boolean } {
  const certs: Certification[] = [];
  let superTopSeller = false;
  if (market !== 'US') {
    if (d.chance(0.08)) certs.push(certification(d, 'mall', month));
    return { certs, superTopSeller };
  }
  if (d.chance(0.06)) certs.push(certification(d, 'official-shop', month));
  if (d.chance(0.08)) certs.push(certification(d, 'authorized-seller', month));
  if (d.chance(0.04)) certs.push(certification(d, 'top-brand', month));
  if (d.chance(0.04)) {
    superTopSeller = true;
    // Mostly inside the TOP Program policy period (2026-01-27..2026-03-31), some before it.
    const since = d.chance(0.75) ? addDays('2026-01-27', d.int(0, 40)) : addDays('2025-12-01', d.int(0, 50));
    certs.push({ type: 'super-top-seller', since });
  }
  return { certs, superTopSeller };
}

const datesCache = new Map<BadgeMonth, { dates: LocalDate[]; from: LocalDate; to: LocalDate }>();
function periodDates(month: BadgeMonth): { dates: LocalDate[]; from: LocalDate; to: LocalDate } {
  let entry = datesCache.get(month);
  if (!entry) {
    const period = assessmentPeriod(month, 'GB');
    const start = dayNumber(period.from);
    const dates = Array.from({ length: DAYS_PER_SHOP }, (_, i) => dateOfDayNumber(start + i));
    if ((dates[DAYS_PER_SHOP - 1] as LocalDate) > period.to) throw new Error(`period of ${month} is shorter than ${DAYS_PER_SHOP} days`);
    entry = { dates, from: period.from, to: period.to };
    datesCache.set(month, entry);
  }
  return entry;
}

/** Builds the shops; aggregation runs here, once per shop, outside any timed section. */
export function syntheticShops(opts: SyntheticOptions): SyntheticData {
  const d = new PairedDraw(prng(opts.seed));
  const keep = opts.keepRecordsFor ?? 0;
  const shops: SyntheticShop[] = [];
  const kept: SyntheticData['records'] = [];
  for (let i = 0; i < opts.shops; i++) {
    const market = d.pick(MARKET_WEIGHTS);
    const month = d.pick(MONTH_WEIGHTS);
    const tier = d.pick(TIER_WEIGHTS);
    const shopId = `${market.toLowerCase()}-${String(i).padStart(6, '0')}`;
    const { certs, superTopSeller } = certifications(d, market, month);
    const profile: ShopProfile = { shopId, market, name: `Shop ${shopId}`, onboardedAt: '2023-01-15', certifications: certs };
    const b = behaviour(d, tier, market, superTopSeller);
    const { dates, from, to } = periodDates(month);
    const records = dailyRecords(d, shopId, market, b, dates);
    const aggregates = aggregate(records, { from, to });
    shops.push({ profile, month, aggregates });
    if (i < keep) kept.push({ records, period: { from, to } });
  }
  return { shops, records: kept };
}
