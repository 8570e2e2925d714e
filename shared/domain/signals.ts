/**
 * Trust signals (contract: "Trust signals"): the live rates a buyer sees beside the badge, summed over
 * the daily records of a trailing window (the counters' sums that `aggregate` starts from). Pure: the records and the
 * window come in.
 */
import type { DateRange, LocalDate } from './calendar';
import { sumCounters, type DailyRecord } from './metrics';

/** Fewer events than this and a rate says more about luck than about the shop: the signal is null. */
export const MIN_SIGNAL_EVENTS = 20;

export interface Signal {
  /** A fraction 0-1. */
  value: number;
  /** The denominator: shipped orders, chats received or product ratings in the window. */
  events: number;
}

export interface TrustSignals {
  onTimeDispatchRate: Signal | null;
  chatReplyRate24h: Signal | null;
  positiveRatingRate: Signal | null;
}

export interface SignalsSummary {
  /** The last date in the window with a record, or null. */
  asOf: LocalDate | null;
  signals: TrustSignals;
}

export const NO_SIGNALS: TrustSignals = { onTimeDispatchRate: null, chatReplyRate24h: null, positiveRatingRate: null };

/** Unrounded, computed as the contract writes it (1 - late / shipped), so clients can check it exactly. */
function signal(value: () => number, events: number): Signal | null {
  return events < MIN_SIGNAL_EVENTS ? null : { value: value(), events };
}

/** The signals of the records dated inside `window` (others are ignored, so callers may over-read). */
export function trustSignals(records: readonly DailyRecord[], window: DateRange): SignalsSummary {
  const { lastDate, sums } = sumCounters(records, window);
  return {
    asOf: lastDate,
    signals: {
      onTimeDispatchRate: signal(() => 1 - sums.lateDispatches / sums.ordersShipped, sums.ordersShipped),
      chatReplyRate24h: signal(() => sums.chatsAnsweredWithin24h / sums.chatsReceived, sums.chatsReceived),
      positiveRatingRate: signal(() => sums.positiveProductRatings / sums.productRatings, sums.productRatings),
    },
  };
}
