import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MARKET_CODES,
  addDays,
  dayNumber,
  localDate,
  nextLocalMidnight,
  startOfLocalDay,
  timeZoneOf,
  trailingWindow,
  type Market,
} from '../../shared/domain/calendar';
import type { DailyRecord } from '../../shared/domain/metrics';
import { MIN_SIGNAL_EVENTS, trustSignals } from '../../shared/domain/signals';
import { anyMarketWindow } from '../../shared/usecases/signals';
import { blankDay } from '../support/records';

/** 2026-12-01 03:00 UTC: already December in Asia and London, still 30 November in Los Angeles. */
const INSTANT = new Date('2026-12-01T03:00:00Z');
const EXPECTED_AT_INSTANT: Record<Market, { from: string; to: string }> = {
  US: { from: '2026-10-31', to: '2026-11-29' },
  GB: { from: '2026-11-01', to: '2026-11-30' },
  TH: { from: '2026-11-01', to: '2026-11-30' },
  MY: { from: '2026-11-01', to: '2026-11-30' },
  VN: { from: '2026-11-01', to: '2026-11-30' },
  PH: { from: '2026-11-01', to: '2026-11-30' },
  SG: { from: '2026-11-01', to: '2026-11-30' },
  ID: { from: '2026-11-01', to: '2026-11-30' },
};

describe('trust-signal window: the 30 market-local days ending yesterday', () => {
  it.each(MARKET_CODES)('%s: the window at 2026-12-01T03:00Z', (market) => {
    expect(trailingWindow(INSTANT, timeZoneOf(market))).toEqual(EXPECTED_AT_INSTANT[market]);
  });

  it.each(MARKET_CODES)('%s: a millisecond before local midnight the window still ends the day before yesterday', (market) => {
    const tz = timeZoneOf(market);
    const midnight = startOfLocalDay('2026-12-01', tz);
    expect(trailingWindow(new Date(midnight.getTime() - 1), tz)).toEqual({ from: '2026-10-31', to: '2026-11-29' });
    expect(trailingWindow(midnight, tz)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it.each(MARKET_CODES)('%s: always 30 whole days, ending the local day before the instant, across DST changes', (market) => {
    const tz = timeZoneOf(market);
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }), (t) => {
        const at = new Date(t);
        const w = trailingWindow(at, tz);
        expect(dayNumber(w.to) - dayNumber(w.from)).toBe(29);
        expect(w.to).toBe(addDays(localDate(at, tz), -1));
      }),
      { numRuns: 300 },
    );
  });

  it('US window moves on at Los Angeles midnight on both DST change days of 2026', () => {
    const tz = timeZoneOf('US');
    // 2026-03-08 and 2026-11-01 are the DST change days; midnight itself never moves.
    expect(startOfLocalDay('2026-03-09', tz).toISOString()).toBe('2026-03-09T07:00:00.000Z');
    expect(trailingWindow(new Date('2026-03-09T06:59:59.999Z'), tz).to).toBe('2026-03-07');
    expect(trailingWindow(new Date('2026-03-09T07:00:00.000Z'), tz).to).toBe('2026-03-08');
    expect(trailingWindow(new Date('2026-11-02T07:59:59.999Z'), tz).to).toBe('2026-10-31');
    expect(trailingWindow(new Date('2026-11-02T08:00:00.000Z'), tz).to).toBe('2026-11-01');
  });

  it.each(MARKET_CODES)('%s: the next local midnight is when the window moves on', (market) => {
    const tz = timeZoneOf(market);
    const next = nextLocalMidnight(INSTANT, tz);
    expect(trailingWindow(new Date(next.getTime() - 1), tz)).toEqual(trailingWindow(INSTANT, tz));
    expect(trailingWindow(next, tz).to).toBe(addDays(trailingWindow(INSTANT, tz).to, 1));
  });

  it('the one Query covers every market window at any instant (31 dates at most)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 11, 31) }), (t) => {
        const span = anyMarketWindow(new Date(t));
        expect(dayNumber(span.to) - dayNumber(span.from)).toBeLessThanOrEqual(30);
        for (const m of MARKET_CODES) {
          const w = trailingWindow(new Date(t), timeZoneOf(m));
          expect(w.from >= span.from && w.to <= span.to).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function day(date: string, values: Parameters<typeof blankDay>[2]): DailyRecord {
  return blankDay('s', date, values);
}

describe('trust signals', () => {
  const window = { from: '2026-11-01', to: '2026-11-30' };

  it('rates are summed over the window; asOf is the last date with data', () => {
    const records = [
      day('2026-11-03', { ordersShipped: 200, lateDispatches: 4, chatsReceived: 40, chatsAnsweredWithin24h: 38, productRatings: 30, positiveProductRatings: 29 }),
      day('2026-11-20', { ordersShipped: 212, lateDispatches: 8, chatsReceived: 48, chatsAnsweredWithin24h: 42, productRatings: 120, positiveProductRatings: 115 }),
    ];
    const out = trustSignals(records, window);
    expect(out.asOf).toBe('2026-11-20');
    expect(out.signals.onTimeDispatchRate).toEqual({ value: 1 - 12 / 412, events: 412 });
    expect(out.signals.chatReplyRate24h).toEqual({ value: 80 / 88, events: 88 });
    expect(out.signals.positiveRatingRate).toEqual({ value: 144 / 150, events: 150 });
  });

  it(`a signal with fewer than ${MIN_SIGNAL_EVENTS} events is null; exactly ${MIN_SIGNAL_EVENTS} is shown`, () => {
    const out = trustSignals([day('2026-11-10', { ordersShipped: 19, chatsReceived: 20, chatsAnsweredWithin24h: 20, productRatings: 0 })], window);
    expect(out.signals.onTimeDispatchRate).toBeNull();
    expect(out.signals.chatReplyRate24h).toEqual({ value: 1, events: 20 });
    expect(out.signals.positiveRatingRate).toBeNull();
  });

  it('days outside the window (today, or 31 days ago) count for nothing', () => {
    const out = trustSignals([day('2026-10-31', { ordersShipped: 500 }), day('2026-12-01', { ordersShipped: 500 })], window);
    expect(out).toEqual({ asOf: null, signals: { onTimeDispatchRate: null, chatReplyRate24h: null, positiveRatingRate: null } });
  });
});
