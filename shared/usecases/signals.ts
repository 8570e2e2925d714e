/**
 * Trust signals of a shop (contract: "Trust signals"): the 30 market-local days ending yesterday. Imports
 * only what the lookup function needs (its bundle stays small).
 *
 * Two reads, side by side, so the answer costs about one round trip: the profile (for the market) and one
 * Query of the DAY# items over the dates that are "the 30 days ending yesterday" in SOME market at this
 * instant (31 dates at most: the markets' local dates differ by one day at most). The market's own window
 * is then cut out of what came back.
 */
import { MARKET_CODES, nextLocalMidnight, timeZoneOf, trailingWindow, type DateRange, type LocalDate } from '../domain/calendar';
import { NO_SIGNALS, trustSignals, type TrustSignals } from '../domain/signals';
import type { MetricsRepository } from '../store/metrics';
import type { ShopRepository } from '../store/shops';
import { MAX_AGE_SECONDS } from './lookup';

/** A shop with no profile has no market: its (empty) window is the 30 UTC days ending yesterday. */
export const UNKNOWN_SHOP_TIME_ZONE = 'UTC';

export interface ShopSignals {
  shopId: string;
  asOf: LocalDate | null;
  window: DateRange;
  signals: TrustSignals;
}

export interface SignalStores {
  shops: Pick<ShopRepository, 'get'>;
  metrics: Pick<MetricsRepository, 'days'>;
}

/** Every market's window at `now`, merged: what one Query reads before the shop's market is known. */
export function anyMarketWindow(now: Date): DateRange {
  const windows = MARKET_CODES.map((m) => trailingWindow(now, timeZoneOf(m)));
  return {
    from: windows.reduce((min, w) => (w.from < min ? w.from : min), windows[0]!.from),
    to: windows.reduce((max, w) => (w.to > max ? w.to : max), windows[0]!.to),
  };
}

export async function shopSignals(stores: SignalStores, shopId: string, now: Date): Promise<{ body: ShopSignals; maxAge: number }> {
  const span = anyMarketWindow(now);
  const [state, records] = await Promise.all([stores.shops.get(shopId), stores.metrics.days(shopId, span.from, span.to)]);
  const timeZone = state ? timeZoneOf(state.profile.market) : UNKNOWN_SHOP_TIME_ZONE;
  const window = trailingWindow(now, timeZone);
  const summary = state ? trustSignals(records, window) : { asOf: null, signals: NO_SIGNALS };
  // Cached for at most 5 minutes, and never past local midnight, when the window moves on by a day.
  const untilMidnight = Math.floor((nextLocalMidnight(now, timeZone).getTime() - now.getTime()) / 1000);
  return {
    body: { shopId, asOf: summary.asOf, window, signals: summary.signals },
    maxAge: Math.max(0, Math.min(MAX_AGE_SECONDS, untilMidnight)),
  };
}
