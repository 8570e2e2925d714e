/**
 * Trust signals (contract: "Trust signals"): the live rates a buyer sees beside the badge, summed over
 * the daily records of a trailing window. Pure: the records and the window come in.
 */
import type { DateRange, LocalDate } from './calendar';
import type { DailyRecord } from './metrics';

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
  let asOf: LocalDate | null = null;
  let shipped = 0;
  let late = 0;
  let chats = 0;
  let answered = 0;
  let ratings = 0;
  let positive = 0;
  for (const r of records) {
    if (r.date < window.from || r.date > window.to) continue;
    if (asOf === null || r.date > asOf) asOf = r.date;
    shipped += r.ordersShipped;
    late += r.lateDispatches;
    chats += r.chatsReceived;
    answered += r.chatsAnsweredWithin24h;
    ratings += r.productRatings;
    positive += r.positiveProductRatings;
  }
  return {
    asOf,
    signals: {
      onTimeDispatchRate: signal(() => 1 - late / shipped, shipped),
      chatReplyRate24h: signal(() => answered / chats, chats),
      positiveRatingRate: signal(() => positive / ratings, ratings),
    },
  };
}
