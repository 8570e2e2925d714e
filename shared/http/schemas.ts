/**
 * Request schemas (zod at the edge): they validate requests, type the code, and feed /openapi.json.
 */
import * as z from 'zod';
import { badgeMonth, localDate, market, MAX_SHOP_IDS, shopId } from '../domain/values';
export { badgeMonth, localDate, market, MAX_SHOP_IDS, shopId } from '../domain/values';
import { changesSchema } from '../programs/changes';
import { CERTIFICATION_TYPES } from '../domain/rules';

// The public lookup routes' schemas (shopPath, badgeQuery, batchQuery) are zod/mini, in lookup-api.ts.
export { SHOP_ID_RE } from '../domain/shop-id';
export { shopPath } from './lookup-api';

export const profileBody = z.strictObject({
  market,
  /** Optional: the contract's 400 cases are an unknown market, an impossible date and an unknown field. */
  name: z.string().trim().min(1).max(200).optional(),
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

// The daily record's schema is the domain's (shared/domain/daily-record.ts); ingest validates each record with it.
export { dailyRecord } from '../domain/daily-record';

export const metricsBody = z.strictObject({
  records: z.array(z.unknown()).min(1, 'send 1 to 1000 records').max(1000, 'send at most 1000 records per request'),
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
  /** Only these shops (duplicates collapsed); each must have a profile in the markets. */
  shopIds: z.array(shopId).min(1, 'name 1 to 1000 shops').max(MAX_SHOP_IDS, 'name at most 1000 shops').optional(),
  /** A policy simulation (contract "Policy simulation"): thresholds to try instead of the catalog's. */
  changes: changesSchema.optional(),
}).superRefine((body, ctx) => {
  if (body.changes !== undefined && body.dryRun !== true) {
    ctx.addIssue({
      code: 'custom',
      path: ['dryRun'],
      message: `changes need "dryRun": true (got "dryRun": ${JSON.stringify(body.dryRun ?? null)}): a policy simulation writes no month record`,
    });
  }
});

export const runsQuery = z.strictObject({
  month: z.string({ error: 'month is required: the badge month whose runs to list, as ?month=YYYY-MM' }).pipe(badgeMonth),
  market: market.optional(),
});

/** Run ids are opaque to callers: any id that is not one we issued is an unknown run (404), not a 400. */
export const RUN_ID_RE = /^[A-Za-z0-9-]{1,64}$/;
export const runPath = z.strictObject({ runId: z.string().min(1) });

export const revocationBody = z.strictObject({ reason: z.string().trim().min(1, 'give a reason').max(500) });

export const emptyQuery = z.strictObject({});
