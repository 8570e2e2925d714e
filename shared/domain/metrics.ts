/**
 * Daily records and the metrics of programs.md ("Metrics the criteria use"), aggregated over a period.
 */
import type { AssessmentPeriod, LocalDate } from './calendar';

/** Counters: required on every daily record, summed over a period. */
export const COUNTERS = [
  'ordersPlaced',
  'ordersCancelled',
  'sellerFaultCancellations',
  'ordersShipped',
  'lateDispatches',
  'ordersReturned',
  'ordersRefunded',
  'sellerFaultReturns',
  'gmv',
  'chatsReceived',
  'chatsAnsweredWithin24h',
  'reviews',
  'negativeReviews',
  'productRatings',
  'positiveProductRatings',
] as const;
export type Counter = (typeof COUNTERS)[number];

export const SHOP_STATUSES = ['active', 'inactive', 'suspended', 'closed'] as const;
export type ShopStatus = (typeof SHOP_STATUSES)[number];

/** Gauges: optional on a daily record; the last value reported within the period counts. */
export const GAUGES = [
  'uniqueBuyers30d',
  'shopPerformanceScore',
  'shopRating',
  'violationPoints',
  'reputationPoints',
  'status',
  'probationGraduated',
  'hasLogo',
  'sellableProducts',
  'freeShippingShare',
  'returnWindowDays',
  'gmv365d',
] as const;
/** Reported daily like gauges, but the period's maximum counts. */
export const PEAKS = ['fraudViolations', 'counterfeitViolations'] as const;

export type Gauge = (typeof GAUGES)[number];
export type Peak = (typeof PEAKS)[number];

export interface GaugeValues {
  uniqueBuyers30d?: number | null;
  shopPerformanceScore?: number | null;
  shopRating?: number | null;
  violationPoints?: number | null;
  reputationPoints?: number | null;
  status?: ShopStatus | null;
  probationGraduated?: boolean | null;
  hasLogo?: boolean | null;
  sellableProducts?: number | null;
  freeShippingShare?: number | null;
  returnWindowDays?: number | null;
  gmv365d?: number | null;
  fraudViolations?: number | null;
  counterfeitViolations?: number | null;
}

/** One shop's market-local day, as validated at the edge (contract.md "Daily metrics"). */
export type DailyRecord = { shopId: string; date: LocalDate } & Record<Counter, number> & GaugeValues;

/** Rates are ratios of period sums: numerator / denominator. */
export const RATES = {
  sellerFaultCancellationRate: ['sellerFaultCancellations', 'ordersPlaced'],
  lateDispatchRate: ['lateDispatches', 'ordersShipped'],
  sellerFaultReturnRate: ['sellerFaultReturns', 'ordersShipped'],
  chatReplyRate24h: ['chatsAnsweredWithin24h', 'chatsReceived'],
  negativeReviewRate: ['negativeReviews', 'ordersShipped'],
  positiveProductRatingRate: ['positiveProductRatings', 'productRatings'],
} as const satisfies Record<string, readonly [Counter, Counter]>;
export type Rate = keyof typeof RATES;

export type SumMetric = 'completedOrders' | 'gmv';
export type MetricName = SumMetric | Rate | Gauge | Peak;

export type MetricKind = 'sum' | 'rate' | 'gauge' | 'peak';

export const METRIC_KINDS: Record<MetricName, MetricKind> = {
  completedOrders: 'sum',
  gmv: 'sum',
  ...(Object.fromEntries(Object.keys(RATES).map((k) => [k, 'rate'])) as Record<Rate, 'rate'>),
  ...(Object.fromEntries(GAUGES.map((k) => [k, 'gauge'])) as Record<Gauge, 'gauge'>),
  ...(Object.fromEntries(PEAKS.map((k) => [k, 'peak'])) as Record<Peak, 'peak'>),
};

export const METRIC_NAMES = Object.keys(METRIC_KINDS) as MetricName[];

export type MetricValue = number | string | boolean | null;

/** A period's metrics plus the sums they came from (projection needs the sums for its gaps). */
export interface Aggregates {
  /** Days with a record inside the period. */
  days: number;
  /** Last day with a record inside the period, or null. */
  lastDate: LocalDate | null;
  sums: Record<Counter, number>;
  metrics: Record<MetricName, MetricValue>;
}

function zeroSums(): Record<Counter, number> {
  return {
    ordersPlaced: 0,
    ordersCancelled: 0,
    sellerFaultCancellations: 0,
    ordersShipped: 0,
    lateDispatches: 0,
    ordersReturned: 0,
    ordersRefunded: 0,
    sellerFaultReturns: 0,
    gmv: 0,
    chatsReceived: 0,
    chatsAnsweredWithin24h: 0,
    reviews: 0,
    negativeReviews: 0,
    productRatings: 0,
    positiveProductRatings: 0,
  };
}

/** numerator / denominator, or null when the denominator is 0 (the rate does not apply). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** The counters of the records inside `period` summed, with how many days had a record and the last one. */
export function sumCounters(records: readonly DailyRecord[], period: Pick<AssessmentPeriod, 'from' | 'to'>): Pick<Aggregates, 'days' | 'lastDate' | 'sums'> {
  const sums = zeroSums();
  let days = 0;
  let lastDate: LocalDate | null = null;
  for (const record of records) {
    const date = record.date;
    if (date < period.from || date > period.to) continue;
    days++;
    if (lastDate === null || date > lastDate) lastDate = date;
    for (const c of COUNTERS) sums[c] += record[c];
  }
  return { days, lastDate, sums };
}

/**
 * Aggregates the records of one shop that fall inside `period`; records outside it are ignored, so a
 * caller may pass a wider range. Records may come in any order; one record per date is assumed (the store
 * keys days by shop + date, so a restated day has already replaced the old one).
 */
export function aggregate(records: readonly DailyRecord[], period: Pick<AssessmentPeriod, 'from' | 'to'>): Aggregates {
  const { days, lastDate, sums } = sumCounters(records, period);
  const gaugeAt: Partial<Record<Gauge, LocalDate>> = {};
  const gauges: Partial<Record<Gauge, MetricValue>> = {};
  const peaks: Record<Peak, number | null> = { fraudViolations: null, counterfeitViolations: null };

  for (const record of records) {
    const date = record.date;
    if (date < period.from || date > period.to) continue;
    for (const g of GAUGES) {
      const value = record[g];
      if (value === undefined || value === null) continue;
      const seen = gaugeAt[g];
      if (seen === undefined || date > seen) {
        gaugeAt[g] = date;
        gauges[g] = value;
      }
    }
    for (const p of PEAKS) {
      const value = record[p];
      if (value === undefined || value === null) continue;
      const current = peaks[p];
      if (current === null || value > current) peaks[p] = value;
    }
  }

  // One object literal in a fixed key order: V8 keeps it in fast properties, so the engine's reads of
  // every criterion's metric stay cheap (keys added one by one make it a slow dictionary object).
  const g = (name: Gauge): MetricValue => gauges[name] ?? null;
  const metrics: Record<MetricName, MetricValue> = {
    completedOrders: sums.ordersPlaced - sums.ordersCancelled - sums.ordersReturned - sums.ordersRefunded,
    gmv: sums.gmv,
    sellerFaultCancellationRate: ratio(sums.sellerFaultCancellations, sums.ordersPlaced),
    lateDispatchRate: ratio(sums.lateDispatches, sums.ordersShipped),
    sellerFaultReturnRate: ratio(sums.sellerFaultReturns, sums.ordersShipped),
    chatReplyRate24h: ratio(sums.chatsAnsweredWithin24h, sums.chatsReceived),
    negativeReviewRate: ratio(sums.negativeReviews, sums.ordersShipped),
    positiveProductRatingRate: ratio(sums.positiveProductRatings, sums.productRatings),
    uniqueBuyers30d: g('uniqueBuyers30d'),
    shopPerformanceScore: g('shopPerformanceScore'),
    shopRating: g('shopRating'),
    violationPoints: g('violationPoints'),
    reputationPoints: g('reputationPoints'),
    status: g('status'),
    probationGraduated: g('probationGraduated'),
    hasLogo: g('hasLogo'),
    sellableProducts: g('sellableProducts'),
    freeShippingShare: g('freeShippingShare'),
    returnWindowDays: g('returnWindowDays'),
    gmv365d: g('gmv365d'),
    fraudViolations: peaks.fraudViolations,
    counterfeitViolations: peaks.counterfeitViolations,
  };
  return { days, lastDate, sums, metrics };
}
