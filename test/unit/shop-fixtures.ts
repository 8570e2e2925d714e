/**
 * Shops, daily records and period metrics for the domain unit tests. The metrics of `passingMetrics`
 * pass every criterion of every program in every market, so a test changes one value and watches one
 * criterion flip.
 */
import type { LocalDate, Market } from '../../shared/domain/calendar';
import type { Aggregates, DailyRecord, MetricName, MetricValue } from '../../shared/domain/metrics';
import type { Certification, ShopProfile } from '../../shared/domain/rules';
import { blankDay, type DayValues } from '../support/records';

export type Metrics = Aggregates['metrics'];

export function shop(market: Market, certifications: Certification[] = [], shopId = `${market.toLowerCase()}-000001`): ShopProfile {
  return { shopId, market, name: `Shop ${shopId}`, onboardedAt: '2023-01-15', certifications };
}

/** blankDay (counters 0 unless given, gauges absent unless given) with the date first, of shop th-000001 unless given. */
export function dailyRecord(date: LocalDate, values: DayValues = {}, shopId = 'th-000001'): DailyRecord {
  return blankDay(shopId, date, values);
}

export function passingMetrics(overrides: Partial<Record<MetricName, MetricValue>> = {}): Metrics {
  const metrics: Metrics = {
    completedOrders: 200,
    gmv: 1_000_000_000,
    sellerFaultCancellationRate: 0.01,
    lateDispatchRate: 0.01,
    sellerFaultReturnRate: 0.005,
    chatReplyRate24h: 0.95,
    negativeReviewRate: 0.001,
    positiveProductRatingRate: 0.95,
    uniqueBuyers30d: 40,
    shopPerformanceScore: 4.8,
    shopRating: 4.8,
    violationPoints: 0,
    reputationPoints: 20_000,
    status: 'active',
    probationGraduated: true,
    hasLogo: true,
    sellableProducts: 50,
    freeShippingShare: 0.9,
    returnWindowDays: 30,
    gmv365d: 2_000_000_000,
    fraudViolations: 0,
    counterfeitViolations: 0,
  };
  return { ...metrics, ...overrides };
}
