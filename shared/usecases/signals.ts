/**
 * Trust signals of a shop (contract: "Trust signals"): the 30 market-local days ending yesterday. Imports
 * only what the lookup function needs (its bundle stays small).
 *
 * One Query of the shop's DAY# items. The market (whose time zone decides the window) comes from the
 * profile: read beside the Query, over the dates that are "the 30 days ending yesterday" in SOME market at
 * this instant (31 dates at most: the markets' local dates differ by a day at most), the market's own window
 * then cut out of what came back; or, once read, remembered for a few minutes (below).
 */
import {
  addDays,
  MARKET_CODES,
  nextLocalMidnight,
  startOfLocalDay,
  timeZoneOf,
  trailingWindow,
  type DateRange,
  type LocalDate,
  type Market,
} from '../domain/calendar';
import type { DailyRecord } from '../domain/metrics';
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

/**
 * A time zone's window, remembered until its next local midnight: computing it (Intl, TZDate) took about
 * 0.2 ms of CPU per request for the nine zones, more than the rest of our code (test/bench/signals.ts).
 */
interface WindowSpan {
  from: number;
  until: number;
  window: DateRange;
}

const spans = new Map<string, WindowSpan>();

function windowAt(now: Date, timeZone: string): WindowSpan {
  const t = now.getTime();
  let span = spans.get(timeZone);
  if (!span || t < span.from || t >= span.until) {
    const window = trailingWindow(now, timeZone);
    span = {
      from: startOfLocalDay(addDays(window.to, 1), timeZone).getTime(),
      until: nextLocalMidnight(now, timeZone).getTime(),
      window,
    };
    spans.set(timeZone, span);
  }
  return span;
}

/** Every market's window at `now`, merged: what one Query reads before the shop's market is known. */
export function anyMarketWindow(now: Date): DateRange {
  const windows = MARKET_CODES.map((m) => windowAt(now, timeZoneOf(m)).window);
  return {
    from: windows.reduce((min, w) => (w.from < min ? w.from : min), windows[0]!.from),
    to: windows.reduce((max, w) => (w.to > max ? w.to : max), windows[0]!.to),
  };
}

/**
 * Shops' markets as last read, for MAX_AGE_SECONDS: a market is set when a shop is onboarded and all but
 * never changes, and an answer may be that old in any cache anyway. With the market known the answer is
 * one Query of the market's own window; without it, the profile read runs beside a Query of every
 * market's window. A popular shop's signals are asked for again and again by one warm container, so most
 * requests take the first path (test/bench/signals.ts measures both against a bare Query).
 */
const knownMarkets = new Map<string, { market: Market; until: number }>();
const MARKETS_KEPT = 10_000;

async function marketAndDays(stores: SignalStores, shopId: string, now: Date): Promise<{ market: Market | null; records: DailyRecord[] }> {
  const known = knownMarkets.get(shopId);
  if (known && known.until > now.getTime()) {
    const w = windowAt(now, timeZoneOf(known.market)).window;
    return { market: known.market, records: await stores.metrics.days(shopId, w.from, w.to) };
  }
  const span = anyMarketWindow(now);
  const [state, records] = await Promise.all([stores.shops.get(shopId), stores.metrics.days(shopId, span.from, span.to)]);
  if (!state) return { market: null, records: [] };
  if (knownMarkets.size >= MARKETS_KEPT) knownMarkets.clear();
  knownMarkets.set(shopId, { market: state.profile.market, until: now.getTime() + MAX_AGE_SECONDS * 1000 });
  return { market: state.profile.market, records };
}

export async function shopSignals(stores: SignalStores, shopId: string, now: Date): Promise<{ body: ShopSignals; maxAge: number }> {
  const { market, records } = await marketAndDays(stores, shopId, now);
  const timeZone = market ? timeZoneOf(market) : UNKNOWN_SHOP_TIME_ZONE;
  const { window, until } = windowAt(now, timeZone);
  const summary = market ? trustSignals(records, window) : { asOf: null, signals: NO_SIGNALS };
  // Cached for at most 5 minutes, and never past local midnight, when the window moves on by a day.
  const untilMidnight = Math.floor((until - now.getTime()) / 1000);
  return {
    body: { shopId, asOf: summary.asOf, window, signals: summary.signals },
    maxAge: Math.max(0, Math.min(MAX_AGE_SECONDS, untilMidnight)),
  };
}
