/** Schemas of the non-HTTP events: scheduler inputs and segment messages. */
import * as z from 'zod';
import { badgeMonth, market, MAX_SHOP_IDS } from './domain/values';
import { SHARDS_PER_MARKET } from './store/table';

export const scheduledMarketEvent = z.object({
  market,
  /** `<aws.scheduler.scheduled-time>`: the month is taken from the scheduled instant, not the clock. */
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});

export const segmentMessage = z.strictObject({
  runId: z.string().min(1),
  month: badgeMonth,
  market,
  shard: z.int().min(0).max(SHARDS_PER_MARKET - 1),
  shopIds: z.array(z.string().min(1)).min(1).max(MAX_SHOP_IDS).optional(),
  runOrder: z.string().min(1),
  dryRun: z.boolean(),
});
