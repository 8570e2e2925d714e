/**
 * One shop's market-local day of metrics, as the pipeline sends it (contract.md "Daily metrics"): the
 * record's shape and consistency rules belong to the domain; the HTTP layer and ingest both use this.
 */
import * as z from 'zod';
import { COUNTERS, SHOP_STATUSES } from './metrics';
import { localDate, shopId } from './values';

const count = z.int().min(0, 'must be a whole number >= 0');
const gauge = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
/**
 * A score or share in [min, max]. DynamoDB numbers stop at 1e-130, so a smaller positive value (say a
 * denormal 5e-324) is kept as the 0 it means instead of failing the whole batch's write.
 */
const fraction = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .transform((x) => (x > 0 && x < 1e-130 ? 0 : x));

const counters = Object.fromEntries(COUNTERS.map((c) => [c, count])) as Record<(typeof COUNTERS)[number], typeof count>;

/** Consistency rules of the contract: each is [left sum, right sum, message path]. */
const INVARIANTS: [string[], string, string][] = [
  [['ordersCancelled', 'ordersReturned', 'ordersRefunded'], 'ordersPlaced', 'ordersCancelled + ordersReturned + ordersRefunded'],
  [['sellerFaultCancellations'], 'ordersCancelled', 'sellerFaultCancellations'],
  [['lateDispatches'], 'ordersShipped', 'lateDispatches'],
  [['sellerFaultReturns'], 'ordersReturned+ordersRefunded', 'sellerFaultReturns'],
  [['chatsAnsweredWithin24h'], 'chatsReceived', 'chatsAnsweredWithin24h'],
  [['negativeReviews'], 'reviews', 'negativeReviews'],
  [['positiveProductRatings'], 'productRatings', 'positiveProductRatings'],
];

export const dailyRecord = z
  .strictObject({
    shopId,
    date: localDate,
    ...counters,
    uniqueBuyers30d: gauge(count),
    shopPerformanceScore: gauge(fraction(0, 5)),
    shopRating: gauge(fraction(0, 5)),
    violationPoints: gauge(count),
    fraudViolations: gauge(count),
    counterfeitViolations: gauge(count),
    reputationPoints: gauge(count),
    status: gauge(z.enum(SHOP_STATUSES)),
    probationGraduated: gauge(z.boolean()),
    hasLogo: gauge(z.boolean()),
    sellableProducts: gauge(count),
    freeShippingShare: gauge(fraction(0, 1)),
    returnWindowDays: gauge(count),
    gmv365d: gauge(count),
  })
  .superRefine((r, ctx) => {
    const value = (name: string) => name.split('+').reduce((sum, n) => sum + (r as unknown as Record<string, number>)[n]!, 0);
    for (const [left, right, label] of INVARIANTS) {
      const l = left.reduce((sum, n) => sum + value(n), 0);
      const rv = value(right);
      if (l > rv) {
        ctx.addIssue({
          code: 'custom',
          path: [left[0] as string],
          message: `${label} (${l}) must not exceed ${right.replace('+', ' + ')} (${rv})`,
        });
      }
    }
  });
