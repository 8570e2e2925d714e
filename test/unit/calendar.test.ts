import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  MARKET_CODES,
  addDays,
  addMonths,
  assessmentPeriod,
  dateOfDayNumber,
  dayNumber,
  dueMonths,
  firstMonthAfter,
  inPeriod,
  isLocalDate,
  monthAssessedOn,
  monthContaining,
  periodEndsAt,
  periodHasEnded,
  scheduledRunAt,
  startOfLocalDay,
  timeZoneOf,
  validity,
  type BadgeMonth,
  type LocalDate,
} from '../../shared/domain/calendar';

const FIRST_DAY = dayNumber('2024-01-01');
const LAST_DAY = dayNumber('2030-12-31');
const ALL_DAYS: LocalDate[] = Array.from({ length: LAST_DAY - FIRST_DAY + 1 }, (_, i) => dateOfDayNumber(FIRST_DAY + i));
/** Every badge month whose validity or assessment period touches a day of 2024..2030. */
const ALL_MONTHS: BadgeMonth[] = Array.from({ length: 12 * 7 + 2 }, (_, i) => addMonths('2024-01', i));

interface WallClock {
  date: LocalDate;
  time: string;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();
/** What a clock on the wall of `timeZone` shows at `instant`, formatted by Intl independently of the code. */
function wallClock(instant: Date, timeZone: string): WallClock {
  let fmt = wallClockFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
    });
    wallClockFormats.set(timeZone, fmt);
  }
  const part = Object.fromEntries(fmt.formatToParts(instant).map((p) => [p.type, p.value]));
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}:${part.second}.${part.fractionalSecond}` };
}

const iso = (d: Date) => d.toISOString();

describe('badge months: validity in the market time zone', () => {
  it('in every market, the validity of consecutive badge months 2024-01..2031-02 tiles: validUntil(M) = validFrom(M+1)', () => {
    for (const market of MARKET_CODES) {
      for (const month of ALL_MONTHS) {
        expect(iso(validity(month, market).validUntil), `${market} ${month}`).toBe(iso(validity(addMonths(month, 1), market).validFrom));
      }
    }
  });

  it('validFrom is 00:00:00.000 local on the 1st of M, and 1 ms earlier is 23:59:59.999 on the last day of M-1', () => {
    for (const market of MARKET_CODES) {
      const tz = timeZoneOf(market);
      for (const month of ALL_MONTHS) {
        const { validFrom } = validity(month, market);
        expect(wallClock(validFrom, tz), `${market} ${month}`).toEqual({ date: `${month}-01`, time: '00:00:00.000' });
        const before = wallClock(new Date(validFrom.getTime() - 1), tz);
        expect(before.date.slice(0, 7), `${market} ${month}`).toBe(addMonths(month, -1));
        expect(before.time).toBe('23:59:59.999');
        expect(addDays(before.date, 1)).toBe(`${month}-01`);
      }
    }
  });

  it('every day 2024-01-01..2030-12-31 begins at local midnight in every market, inside the validity of its own month', () => {
    for (const market of MARKET_CODES) {
      const tz = timeZoneOf(market);
      for (const day of ALL_DAYS) {
        const start = startOfLocalDay(day, tz);
        const clock = wallClock(start, tz);
        if (clock.date !== day || clock.time !== '00:00:00.000') expect({ market, day, clock }).toEqual({ market, day, clock: { date: day, time: '00:00:00.000' } });
        const month = monthContaining(market, start);
        if (month !== day.slice(0, 7)) expect({ market, day, month }).toEqual({ market, day, month: day.slice(0, 7) });
        const before = monthContaining(market, new Date(start.getTime() - 1));
        const expectedBefore = day.endsWith('-01') ? addMonths(month, -1) : month;
        if (before !== expectedBefore) expect({ market, day, before }).toEqual({ market, day, before: expectedBefore });
        const { validFrom, validUntil } = validity(month, market);
        if (!(validFrom <= start && start < validUntil)) expect({ market, day, inValidity: false }).toEqual({ market, day, inValidity: true });
      }
    }
  });

  it('monthContaining(instant) is the badge month whose validity contains the instant (any instant of any day, 2024..2030)', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_DAY, max: LAST_DAY }), fc.integer({ min: -14 * 3_600_000, max: 38 * 3_600_000 - 1 }), fc.constantFrom(...MARKET_CODES), (day, offsetMs, market) => {
        const instant = new Date(day * 86_400_000 + offsetMs);
        const month = monthContaining(market, instant);
        const { validFrom, validUntil } = validity(month, market);
        expect(validFrom.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(instant.getTime()).toBeLessThan(validUntil.getTime());
        expect(month).toBe(wallClock(instant, timeZoneOf(market)).date.slice(0, 7));
      }),
      { numRuns: 3000 },
    );
  });

  it('the scheduled evaluation of M runs at validFrom(M), 00:00 local on the 1st', () => {
    for (const market of MARKET_CODES) {
      for (const month of ALL_MONTHS) expect(iso(scheduledRunAt(month, market))).toBe(iso(validity(month, market).validFrom));
    }
  });

  it('00:30 on the 1st in Bangkok (2026-10-31T17:30Z) is already 2026-11', () => {
    expect(monthContaining('TH', new Date('2026-10-31T17:30:00Z'))).toBe('2026-11');
    expect(monthContaining('TH', new Date('2026-10-31T16:59:59.999Z'))).toBe('2026-10');
  });

  it('23:30 on the last day in Los Angeles (2026-12-01T07:30Z) is still 2026-11', () => {
    expect(monthContaining('US', new Date('2026-12-01T07:30:00Z'))).toBe('2026-11');
    expect(monthContaining('US', new Date('2026-12-01T08:00:00Z'))).toBe('2026-12');
  });

  it('US 2026-03 (DST starts 8 March) runs from 08:00Z on the 1st to 07:00Z on 1 April', () => {
    expect(iso(validity('2026-03', 'US').validFrom)).toBe('2026-03-01T08:00:00.000Z');
    expect(iso(validity('2026-03', 'US').validUntil)).toBe('2026-04-01T07:00:00.000Z');
  });

  it('US 2026-11 (DST ends 1 November) runs from 2026-11-01T07:00Z to 2026-12-01T08:00Z', () => {
    expect(iso(validity('2026-11', 'US').validFrom)).toBe('2026-11-01T07:00:00.000Z');
    expect(iso(validity('2026-11', 'US').validUntil)).toBe('2026-12-01T08:00:00.000Z');
  });

  it('the contract example: TopChoice 2026-11 in Thailand is valid 2026-10-31T17:00Z..2026-11-30T17:00Z', () => {
    expect(iso(validity('2026-11', 'TH').validFrom)).toBe('2026-10-31T17:00:00.000Z');
    expect(iso(validity('2026-11', 'TH').validUntil)).toBe('2026-11-30T17:00:00.000Z');
  });

  it('London months follow BST: 2026-04 starts 2026-03-31T23:00Z, 2026-11 starts 2026-11-01T00:00Z', () => {
    expect(iso(validity('2026-04', 'GB').validFrom)).toBe('2026-03-31T23:00:00.000Z');
    expect(iso(validity('2026-11', 'GB').validFrom)).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('assessment periods: the 26th of M-2 through the 25th of M-1, market-local', () => {
  it('assessmentPeriod(2026-11) is 2026-09-26..2026-10-25 in the market time zone', () => {
    expect(assessmentPeriod('2026-11', 'TH')).toEqual({ from: '2026-09-26', to: '2026-10-25', timeZone: 'Asia/Bangkok' });
    expect(assessmentPeriod('2026-11', 'US')).toEqual({ from: '2026-09-26', to: '2026-10-25', timeZone: 'America/Los_Angeles' });
  });

  it("January's period crosses a year: 2026-01 is assessed 2025-11-26..2025-12-25, February on 2025-12-26..2026-01-25", () => {
    expect(assessmentPeriod('2026-01', 'SG')).toMatchObject({ from: '2025-11-26', to: '2025-12-25' });
    expect(assessmentPeriod('2026-02', 'SG')).toMatchObject({ from: '2025-12-26', to: '2026-01-25' });
  });

  it('in every market, periods of consecutive months tile without gap or overlap: to(M) + 1 day = from(M+1)', () => {
    for (const market of MARKET_CODES) {
      for (const month of ALL_MONTHS) {
        const p = assessmentPeriod(month, market);
        const next = assessmentPeriod(addMonths(month, 1), market);
        expect(addDays(p.to, 1), `${market} ${month}`).toBe(next.from);
        const length = dayNumber(p.to) - dayNumber(p.from) + 1;
        expect(length).toBeGreaterThanOrEqual(28);
        expect(length).toBeLessThanOrEqual(31);
        expect(p.timeZone).toBe(timeZoneOf(market));
      }
    }
  });

  it('every day 2024-01-01..2030-12-31 lies in the period of monthAssessedOn(day) and in no neighbouring period, in every market', () => {
    for (const market of MARKET_CODES) {
      for (const day of ALL_DAYS) {
        const month = monthAssessedOn(day);
        const found = [addMonths(month, -1), month, addMonths(month, 1)].filter((m) => inPeriod(day, assessmentPeriod(m, market)));
        if (found.length !== 1 || found[0] !== month) expect({ market, day, found }).toEqual({ market, day, found: [month] });
      }
    }
  });

  it('monthAssessedOn over random days: the 26th onwards assesses M+2, the 1st..25th assesses M+1', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_DAY, max: LAST_DAY }), (n) => {
        const day = dateOfDayNumber(n);
        const expected = Number(day.slice(8)) >= 26 ? addMonths(day.slice(0, 7), 2) : addMonths(day.slice(0, 7), 1);
        expect(monthAssessedOn(day)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(monthAssessedOn('2026-10-25')).toBe('2026-11');
    expect(monthAssessedOn('2026-10-26')).toBe('2026-12');
    expect(monthAssessedOn('2026-12-26')).toBe('2027-02');
  });

  it('the period of 2026-11 in Bangkok has ended exactly at 00:00 local on 2026-10-26 (2026-10-25T17:00Z), not 1 ms before', () => {
    const end = new Date('2026-10-25T17:00:00.000Z');
    expect(iso(periodEndsAt('2026-11', 'TH'))).toBe(iso(end));
    expect(periodHasEnded('2026-11', 'TH', end)).toBe(true);
    expect(periodHasEnded('2026-11', 'TH', new Date(end.getTime() - 1))).toBe(false);
  });

  it('in every market and month, the period has ended at 00:00 local on the 26th of M-1 and not 1 ms before', () => {
    for (const market of MARKET_CODES) {
      const tz = timeZoneOf(market);
      for (const month of ALL_MONTHS) {
        const end = periodEndsAt(month, market);
        expect(wallClock(end, tz)).toEqual({ date: `${addMonths(month, -1)}-26`, time: '00:00:00.000' });
        expect(periodHasEnded(month, market, end)).toBe(true);
        expect(periodHasEnded(month, market, new Date(end.getTime() - 1))).toBe(false);
      }
    }
  });

  it('a US period ends at local midnight whatever the offset: 2026-04 ends at 2026-03-26T07:00Z (PDT)', () => {
    expect(periodHasEnded('2026-04', 'US', new Date('2026-03-26T07:00:00Z'))).toBe(true);
    expect(periodHasEnded('2026-04', 'US', new Date('2026-03-26T06:59:59.999Z'))).toBe(false);
  });
});

describe('local dates', () => {
  it('isLocalDate rejects 2026-02-29 and accepts 2028-02-29', () => {
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
  });

  it('isLocalDate rejects impossible or malformed dates', () => {
    for (const bad of ['2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-05', '2026-01-05T00:00', '', '2100-02-29']) {
      expect(isLocalDate(bad), bad).toBe(false);
    }
    for (const good of ['2026-04-30', '2026-12-31', '2000-02-29', '2024-01-01']) expect(isLocalDate(good), good).toBe(true);
  });

  it('isLocalDate accepts exactly the real calendar days (every day 2024..2030 and nothing else in YYYY-MM-DD)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2024, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const real = d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCMonth() === m - 1;
        expect(isLocalDate(text)).toBe(real);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the months a shop is evaluated for', () => {
  it('firstMonthAfter: the first badge month whose 1st is later than the onboarding date', () => {
    expect(firstMonthAfter('2025-03-14')).toBe('2025-04');
    expect(firstMonthAfter('2025-03-01')).toBe('2025-04');
    expect(firstMonthAfter('2025-02-28')).toBe('2025-03');
    expect(firstMonthAfter('2025-12-31')).toBe('2026-01');
  });

  it('dueMonths lists every month from `since` whose run (00:00 local on the 1st) is at or before the instant', () => {
    const runAt = validity('2026-11', 'TH').validFrom;
    expect(dueMonths('TH', '2026-09', runAt)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(dueMonths('TH', '2026-09', new Date(runAt.getTime() - 1))).toEqual(['2026-09', '2026-10']);
    expect(dueMonths('TH', '2026-11', new Date(runAt.getTime() - 1))).toEqual([]);
    expect(dueMonths('US', '2025-12', new Date('2026-01-01T07:59:59.999Z'))).toEqual(['2025-12']);
    expect(dueMonths('US', '2025-12', new Date('2026-01-01T08:00:00Z'))).toEqual(['2025-12', '2026-01']);
  });

  it('dueMonths: the last due month is the one containing the instant, in every market', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_DAY, max: LAST_DAY }), fc.integer({ min: 0, max: 86_399_999 }), fc.constantFrom(...MARKET_CODES), (day, ms, market) => {
        const instant = new Date(day * 86_400_000 + ms);
        const months = dueMonths(market, '2023-12', instant);
        expect(months[0]).toBe('2023-12');
        expect(months.at(-1)).toBe(monthContaining(market, instant));
        for (const m of months) expect(scheduledRunAt(m, market).getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(scheduledRunAt(addMonths(months.at(-1) as string, 1), market).getTime()).toBeGreaterThan(instant.getTime());
      }),
      { numRuns: 500 },
    );
  });
});
