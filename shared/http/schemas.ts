/**
 * Request schemas (zod at the edge): they validate requests, type the code, and feed /openapi.json.
 */
import * as z from 'zod';
import { isBadgeMonth, isLocalDate, MARKET_CODES, type Market } from '../domain/calendar';
import { COUNTERS, SHOP_STATUSES } from '../domain/metrics';
import { CERTIFICATION_TYPES } from '../domain/rules';

export const SHOP_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const shopId = z.string().regex(SHOP_ID_RE, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');
export const market = z.enum(MARKET_CODES as [Market, ...Market[]], { error: `must be one of ${MARKET_CODES.join(', ')}` });
export const localDate = z.string().refine(isLocalDate, 'must be a real calendar date YYYY-MM-DD');
export const badgeMonth = z.string().refine(isBadgeMonth, 'must be a badge month YYYY-MM');
export const instant = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 instant with a time zone, e.g. 2026-11-01T00:00:00Z' });

export const shopPath = z.strictObject({ shopId });

export const profileBody = z.strictObject({
  market,
  name: z.string().trim().min(1).max(200),
  onboardedAt: localDate,
  certifications: z
    .array(
      z
        .strictObject({ type: z.enum(CERTIFICATION_TYPES), since: localDate, until: localDate.nullable().optional() })
        .refine((c) => c.until === undefined || c.until === null || c.until > c.since, {
          message: 'until must be after since',
          path: ['until'],
        }),
    )
    .max(20)
    .default([]),
});
export type ProfileBody = z.infer<typeof profileBody>;

const count = z.int().min(0, 'must be a whole number >= 0');
const gauge = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

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
    shopPerformanceScore: gauge(z.number().min(0).max(5)),
    shopRating: gauge(z.number().min(0).max(5)),
    violationPoints: gauge(count),
    fraudViolations: gauge(count),
    counterfeitViolations: gauge(count),
    reputationPoints: gauge(count),
    status: gauge(z.enum(SHOP_STATUSES)),
    probationGraduated: gauge(z.boolean()),
    hasLogo: gauge(z.boolean()),
    sellableProducts: gauge(count),
    freeShippingShare: gauge(z.number().min(0).max(1)),
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

export const metricsBody = z.strictObject({
  records: z.array(z.unknown()).min(1, 'send 1 to 1000 records').max(1000, 'send at most 1000 records per request'),
});

/** Public lookups ignore query parameters they do not know (storefronts and CDNs add cache busters). */
export const badgeQuery = z.object({ at: instant.optional() });

export const batchQuery = z.object({
  shopIds: z.string({ error: 'shopIds is required: 1 to 100 comma-separated shop ids' }),
  at: instant.optional(),
});

export const eligibilityQuery = z.strictObject({ month: badgeMonth.optional() });

export const historyQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,2}$/, 'must be a whole number from 1 to 36')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 36, 'must be a whole number from 1 to 36')
    .optional(),
});

export const evaluationBody = z.strictObject({
  month: badgeMonth,
  markets: z.array(market).min(1).optional(),
  dryRun: z.boolean().optional(),
});

export const runPath = z.strictObject({ runId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'is not a run id') });

export const revocationBody = z.strictObject({ reason: z.string().trim().min(1, 'give a reason').max(500) });

export const emptyQuery = z.strictObject({});
