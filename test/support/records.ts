/**
 * Valid daily records for tests. Pure builders over the domain types (no I/O, no clients), so unit tests
 * may import them as well as integration tests.
 */
import { addDays, type LocalDate } from '../../shared/domain/calendar';
import { COUNTERS, type Counter, type DailyRecord, type GaugeValues } from '../../shared/domain/metrics';

/** Any counters and gauges of one day. */
export type DayValues = Partial<Record<Counter, number>> & GaugeValues;

/** A daily record whose counters are all 0 unless given; gauges are absent unless given. */
export function blankDay(shopId: string, date: LocalDate, values: DayValues = {}): DailyRecord {
  const counters = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<Counter, number>;
  return { shopId, date, ...counters, ...values };
}

/** A healthy day: 30 of them pass TopChoice (TH) and Gold Star (US). */
export const HEALTHY_DAY: DayValues = {
  ordersPlaced: 10,
  ordersShipped: 10,
  gmv: 150_000,
  chatsReceived: 10,
  chatsAnsweredWithin24h: 10,
  reviews: 4,
  productRatings: 5,
  positiveProductRatings: 5,
  uniqueBuyers30d: 40,
  shopPerformanceScore: 4.6,
  shopRating: 4.8,
  violationPoints: 0,
  fraudViolations: 0,
  counterfeitViolations: 0,
  reputationPoints: 12_000,
  status: 'active',
  probationGraduated: true,
  hasLogo: true,
};

/** A healthy day with `values` changed. */
export function healthyDay(shopId: string, date: LocalDate, values: DayValues = {}): DailyRecord {
  return blankDay(shopId, date, { ...HEALTHY_DAY, ...values });
}

/** `count` consecutive healthy days of one shop from `from`. */
export function healthyDays(shopId: string, from: LocalDate, count: number, values: DayValues = {}): DailyRecord[] {
  return Array.from({ length: count }, (_, i) => healthyDay(shopId, addDays(from, i), values));
}
