/**
 * The domain's value types as zod schemas: what a shop id, a market, a local date and a badge month look
 * like, wherever they arrive (HTTP requests, scheduler events, queue messages).
 */
import * as z from 'zod';
import { isBadgeMonth, isLocalDate, MARKET_CODES, type Market } from './calendar';
import { SHOP_ID_MESSAGE, SHOP_ID_RE } from './shop-id';

export { MAX_SHOP_IDS } from './shop-id';

export const shopId = z.string().regex(SHOP_ID_RE, SHOP_ID_MESSAGE);
export const market = z.enum(MARKET_CODES as [Market, ...Market[]], {
  error: (issue) =>
    issue.input === undefined
      ? `is required: one of ${MARKET_CODES.join(', ')}`
      : `${JSON.stringify(issue.input)} is not a market: use one of ${MARKET_CODES.join(', ')}`,
});
export const localDate = z.string().refine(isLocalDate, 'must be a real calendar date YYYY-MM-DD');
export const badgeMonth = z.string().refine(isBadgeMonth, 'must be a badge month YYYY-MM');

