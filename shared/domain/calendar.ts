/**
 * The badge calendar (programs.md "Calendar"): badge months, assessment periods and market time zones.
 *
 * Pure: every function takes the instant it needs; nothing reads a clock. Local wall-clock arithmetic is
 * done on calendar dates (YYYY-MM-DD strings and integer day numbers); converting a market-local midnight
 * to an instant is left to @date-fns/tz, which asks the platform's IANA data through Intl (no offset table).
 */
import { TZDate } from '@date-fns/tz';
import { MARKETS, type Market } from './markets';

export { MARKETS, MARKET_CODES, type Market } from './markets';

/** A badge month, `YYYY-MM`. */
export type BadgeMonth = string;
/** A market-local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

export interface AssessmentPeriod {
  /** First market-local day, included. */
  from: LocalDate;
  /** Last market-local day, included. */
  to: LocalDate;
  timeZone: string;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isMarket(value: string): value is Market {
  return Object.prototype.hasOwnProperty.call(MARKETS, value);
}

export function timeZoneOf(market: Market): string {
  return MARKETS[market].timeZone;
}

export function isBadgeMonth(value: string): boolean {
  const m = MONTH_RE.exec(value);
  return m !== null && Number(m[1]) >= 1970 && Number(m[1]) <= 9999;
}

/** True for a real Gregorian date written `YYYY-MM-DD` (2026-02-29 is not one). */
export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function monthParts(month: BadgeMonth): [number, number] {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`not a badge month (YYYY-MM): ${month}`);
  return [Number(m[1]), Number(m[2])];
}

/** `month` moved by `delta` months: addMonths('2026-01', -2) = '2025-11'. */
export function addMonths(month: BadgeMonth, delta: number): BadgeMonth {
  const [y, m] = monthParts(month);
  const index = y * 12 + (m - 1) + delta;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** Whole months from `a` to `b` (b - a). */
export function monthsBetween(a: BadgeMonth, b: BadgeMonth): number {
  const [ya, ma] = monthParts(a);
  const [yb, mb] = monthParts(b);
  return yb * 12 + mb - (ya * 12 + ma);
}

/** Days since 1970-01-01 of a local date: lets date arithmetic ignore time zones entirely. */
export function dayNumber(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

export function dateOfDayNumber(day: number): LocalDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, delta: number): LocalDate {
  return dateOfDayNumber(dayNumber(date) + delta);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The market-local calendar date at `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  let fmt = dateFormatters.get(timeZone);
  if (!fmt) {
    // en-CA formats as YYYY-MM-DD; the formatter is cached because building one is slow.
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, fmt);
  }
  return fmt.format(instant);
}

/** The instant at which market-local `date` begins (00:00 local; DST never moves midnight in our zones). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, timeZone).getTime());
}

/** The badge month that contains `instant` in the market's time zone. */
export function monthContaining(market: Market, instant: Date): BadgeMonth {
  return localDate(instant, timeZoneOf(market)).slice(0, 7);
}

/** The first day of a badge month, `YYYY-MM-01`. */
export function firstDay(month: BadgeMonth): LocalDate {
  monthParts(month);
  return `${month}-01`;
}

/** Badge month M is assessed on market-local dates from the 26th of M-2 through the 25th of M-1. */
export function assessmentPeriod(month: BadgeMonth, market: Market): AssessmentPeriod {
  return {
    from: `${addMonths(month, -2)}-26`,
    to: `${addMonths(month, -1)}-25`,
    timeZone: timeZoneOf(market),
  };
}

/** Number of days in the assessment period of `month` (28 to 31). */
export function periodLength(month: BadgeMonth): number {
  const p = assessmentPeriod(month, 'GB');
  return dayNumber(p.to) - dayNumber(p.from) + 1;
}

export interface Validity {
  validFrom: Date;
  validUntil: Date;
}

/** A badge of month M is shown from 00:00 on the 1st of M to 00:00 on the 1st of M+1, market-local. */
export function validity(month: BadgeMonth, market: Market): Validity {
  const tz = timeZoneOf(market);
  return {
    validFrom: startOfLocalDay(firstDay(month), tz),
    validUntil: startOfLocalDay(firstDay(addMonths(month, 1)), tz),
  };
}

/** The scheduled evaluation of month M runs at 00:00 market-local on the 1st of M. */
export function scheduledRunAt(month: BadgeMonth, market: Market): Date {
  return validity(month, market).validFrom;
}

/** The period of `month` has ended once its last day (the 25th of M-1) is over in the market. */
export function periodEndsAt(month: BadgeMonth, market: Market): Date {
  return startOfLocalDay(addDays(assessmentPeriod(month, market).to, 1), timeZoneOf(market));
}

export function periodHasEnded(month: BadgeMonth, market: Market, instant: Date): boolean {
  return instant.getTime() >= periodEndsAt(month, market).getTime();
}

/** The badge month whose assessment period contains the local `date` (the open period on that date). */
export function monthAssessedOn(date: LocalDate): BadgeMonth {
  const month = date.slice(0, 7);
  return Number(date.slice(8, 10)) >= 26 ? addMonths(month, 2) : addMonths(month, 1);
}

/** True when `date` lies in the assessment period of `month`. */
export function inPeriod(date: LocalDate, period: AssessmentPeriod): boolean {
  return date >= period.from && date <= period.to;
}

/** The first badge month of a shop onboarded on `onboardedAt`: the first month whose 1st is later. */
export function firstMonthAfter(onboardedAt: LocalDate): BadgeMonth {
  return addMonths(onboardedAt.slice(0, 7), 1);
}

/** Badge months whose scheduled run is at or before `instant` in the market, from `since` on, oldest first. */
export function dueMonths(market: Market, since: BadgeMonth, instant: Date): BadgeMonth[] {
  const current = monthContaining(market, instant);
  const months: BadgeMonth[] = [];
  for (let m = since; m <= current; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** A run of market-local dates, both ends included. */
export interface DateRange {
  from: LocalDate;
  to: LocalDate;
}

/** Trust signals look at this many market-local days (contract: "Trust signals"). */
export const SIGNAL_WINDOW_DAYS = 30;

/**
 * The `days` local dates in `timeZone` that end yesterday at `instant`: today is still filling up, so a
 * buyer sees whole days only. On 2026-12-01 in Bangkok that is 2026-11-01..2026-11-30.
 */
export function trailingWindow(instant: Date, timeZone: string, days = SIGNAL_WINDOW_DAYS): DateRange {
  const to = addDays(localDate(instant, timeZone), -1);
  return { from: addDays(to, 1 - days), to };
}

/** The instant the local date after `instant`'s begins in `timeZone` (when a trailing window moves on). */
export function nextLocalMidnight(instant: Date, timeZone: string): Date {
  return startOfLocalDay(addDays(localDate(instant, timeZone), 1), timeZone);
}
