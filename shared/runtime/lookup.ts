/**
 * The lookup function's services: a DocumentClient, the table name, the clock and the two repositories a
 * lookup reads. Nothing else: no catalog (classic zod), no queue (SQS client), no run or metrics
 * repositories, so the lookup bundle stays small and its cold start short.
 *
 * Services installed with `useServices` (the local server, tests) win: their shops, badges and clock are
 * used, whenever they were installed.
 */
import { BadgeRepository } from '../store/badges';
import { createDocumentClient } from '../store/client';
import { ShopRepository } from '../store/shops';
import type { Services } from '../usecases/services';
import { dynamoConfig, installedServices, runtimeConfig } from './installed';

export type LookupServices = Pick<Services, 'shops' | 'badges' | 'clock'>;

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
    clock: () => new Date(),
  };
  return own;
}
