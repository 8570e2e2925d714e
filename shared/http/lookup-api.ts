/**
 * The public lookup routes and their request schemas, in `zod/mini`: the same validation, messages and
 * /openapi.json description as classic zod, at a fraction of the bundle (the lookup function imports this
 * file, never api.ts or schemas.ts). The route table (api.ts) lists these routes first.
 */
import * as z from 'zod/mini';
import { SHOP_ID_MESSAGE, SHOP_ID_RE } from '../domain/shop-id';
import { def } from './routes';

export { SHOP_ID_RE };

export const INSTANT_MESSAGE = 'must be an ISO-8601 instant with a time zone, e.g. 2026-11-01T00:00:00Z';

export const shopId = z.string().check(z.regex(SHOP_ID_RE, SHOP_ID_MESSAGE));
export const instant = z.iso.datetime({ offset: true, error: INSTANT_MESSAGE });

export const shopPath = z.strictObject({ shopId });

/** Public lookups ignore query parameters they do not know (storefronts and CDNs add cache busters). */
export const badgeQuery = z.object({ at: z.optional(instant) });

export const batchQuery = z.object({
  shopIds: z.string({ error: 'shopIds is required: 1 to 100 comma-separated shop ids' }),
  at: z.optional(instant),
});

/** Trust signals take no parameters; unknown ones are ignored like on the badge routes. */
export const signalsQuery = z.object({});

export const LOOKUP_API = {
  badge: def({ method: 'GET', fn: 'lookup', path: '/v1/shops/{shopId}/badge', access: 'public', status: 200, summary: 'The badge a shop shows at an instant (default now)', pathSchema: shopPath, query: badgeQuery }),
  badges: def({ method: 'GET', fn: 'lookup', path: '/v1/badges', access: 'public', status: 200, summary: 'Badges of 1 to 100 shops at once', query: batchQuery }),
  signals: def({ method: 'GET', fn: 'lookup', path: '/v1/shops/{shopId}/signals', access: 'public', status: 200, summary: 'Trust signals: the 30 market-local days ending yesterday', pathSchema: shopPath, query: signalsQuery }),
} as const;
