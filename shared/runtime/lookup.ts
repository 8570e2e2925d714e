/**
 * The lookup function's services: a DocumentClient, the table name, the clock and the three repositories a
 * lookup reads (profiles, badges, and daily metrics for the trust signals). Nothing else: no catalog
 * (classic zod), no queue (SQS client), no run repository, so the lookup bundle stays small and its cold
 * start short.
 *
 * Services installed with `useServices` (the local server, tests) win: their shops, badges and clock are
 * used, whenever they were installed.
 */
import { BadgeRepository } from '../store/badges';
import { createDocumentClient } from '../store/client';
import { MetricsRepository } from '../store/metrics';
import { ShopRepository } from '../store/shops';
import type { Services } from '../usecases/services';
import { dynamoConfig, installedServices, runtimeConfig } from './installed';

export type LookupServices = Pick<Services, 'shops' | 'badges' | 'metrics' | 'clock'>;

let own: LookupServices | undefined;

/** Validates the environment (fails fast at cold start) and builds the lookup's services once. */
export function lookupServices(): LookupServices {
  const installed = installedServices();
  if (installed) return installed;
  if (own) return own;
  const config = runtimeConfig();
  const doc = createDocumentClient(dynamoConfig(config));
  own = {
    shops: new ShopRepository(doc, config.TABLE_NAME),
    badges: new BadgeRepository(doc, config.TABLE_NAME),
    metrics: new MetricsRepository(doc, config.TABLE_NAME),
    clock: () => new Date(),
  };
  return own;
}
