/** Public lookups for storefronts: one shop's badge, up to 100 in one BatchGetItem, and trust signals. */
import { MARKET_CODES } from '../../shared/domain/calendar';
import { badRequest } from '../../shared/errors';
import { cachedReply } from '../../shared/http/caching';
import { httpChain, route } from '../../shared/http/chain';
import { LOOKUP_API, SHOP_ID_RE } from '../../shared/http/lookup-api';
import { lookupServices as services } from '../../shared/runtime/lookup';
import { lookupBadges, maxAgeSeconds } from '../../shared/usecases/lookup';
import { shopSignals } from '../../shared/usecases/signals';

// Imports stay this narrow on purpose (no api.ts, schemas.ts, middleware.ts or runtime/index.ts): storefronts
// call this function at high volume, and its bundle size is its cold start (test/infra/bundle-sizes.ts).
services();

function parseShopIds(list: string): string[] {
  const ids = list.split(',');
  const bad = ids.filter((id) => !SHOP_ID_RE.test(id));
  if (bad.length > 0) {
    throw badRequest(
      `shopIds has malformed ids: ${bad.map((b) => JSON.stringify(b)).join(', ')}; each must be 1-64 characters of A-Z a-z 0-9 . _ -`,
      bad.map((id) => ({ path: 'query.shopIds', message: 'malformed shop id', shopId: id })),
    );
  }
  const unique = [...new Set(ids)];
  if (unique.length > 100) throw badRequest(`shopIds has ${unique.length} ids; send 1 to 100`, [{ path: 'query.shopIds', message: 'more than 100 ids' }]);
  return unique;
}

export const handler = httpChain([
  route(LOOKUP_API.badge, async ({ path, query, event }) => {
      const now = services().clock();
      const { badges, markets } = await lookupBadges(services(), [path.shopId], query.at ? new Date(query.at) : now, now);
      const badge = badges.get(path.shopId) ?? null;
      return cachedReply(event, { shopId: path.shopId, badge }, maxAgeSeconds(now, markets.size ? markets : MARKET_CODES, [badge]));
  }),
  route(LOOKUP_API.badges, async ({ query, event }) => {
      const ids = parseShopIds(query.shopIds);
      const now = services().clock();
      const { badges, markets } = await lookupBadges(services(), ids, query.at ? new Date(query.at) : now, now);
      const body = { badges: Object.fromEntries(ids.map((id) => [id, badges.get(id) ?? null])) };
      return cachedReply(event, body, maxAgeSeconds(now, markets.size ? markets : MARKET_CODES, badges.values()));
  }),
  route(LOOKUP_API.signals, async ({ path, event }) => {
      const { body, maxAge } = await shopSignals(services(), path.shopId, services().clock());
      return cachedReply(event, body, maxAge);
  }),
]);
