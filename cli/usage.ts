/**
 * Flag values checked before anything is sent: a bad value is the operator's typo (exit 2), not a failure
 * of the work. What only the service knows (a program's criteria, a shop's profile) is left to the API.
 */
import { MARKET_CODES } from '../shared/domain/calendar';
import { SHOP_ID_RE } from '../shared/domain/shop-id';
import { MAX_SHOP_IDS } from '../shared/domain/shop-id';
import type { Threshold, ThresholdChange } from './api-types';

/** Bad usage: the entry point prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseMonth(value: string): string {
  if (!MONTH_RE.test(value)) throw new UsageError(`--month must be a badge month YYYY-MM (got "${value}")`);
  return value;
}

export function parseMarket(value: string): string {
  const market = value.trim().toUpperCase();
  if (!(MARKET_CODES as string[]).includes(market)) throw new UsageError(`unknown market "${value}" (known: ${MARKET_CODES.join(', ')})`);
  return market;
}

export function parseMarkets(value: string): string[] {
  const markets = value.split(',').filter((s) => s.trim() !== '').map(parseMarket);
  if (markets.length === 0) throw new UsageError('--markets needs at least one market, e.g. --markets TH,MY');
  return [...new Set(markets)];
}

export function parseShopId(value: string): string {
  if (!SHOP_ID_RE.test(value)) throw new UsageError(`"${value}" is not a shop id (1-64 characters of A-Za-z0-9._-)`);
  return value;
}

export function parseShopIds(value: string): string[] {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean).map(parseShopId);
  if (ids.length === 0) throw new UsageError('--shop-ids needs at least one shop id');
  if (ids.length > MAX_SHOP_IDS) throw new UsageError(`--shop-ids takes at most ${MAX_SHOP_IDS.toLocaleString('en-US')} ids (got ${ids.length})`);
  return [...new Set(ids)];
}

export function parsePositiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer (got "${value}")`);
    return n;
  };
}

/** A threshold as typed: numbers as numbers, true/false as booleans, anything else as text (a certification type). */
export function parseScalar(text: string): Threshold {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed;
}

const PER_MARKET_RE = /^[A-Za-z]{2}:/;
const ID_RE = /^[A-Za-z0-9_-]+$/;

/**
 * `--change program.criterion[.metric]=value`, where value is one threshold for every market or one per
 * market: `top-choice.shop-rating=TH:4.5,MY:4.4`.
 */
export function parseChange(spec: string): ThresholdChange {
  const eq = spec.indexOf('=');
  const usage = `--change takes program.criterion[.metric]=value or program.criterion=TH:4.5,MY:4.4 (got "${spec}")`;
  if (eq <= 0 || eq === spec.length - 1) throw new UsageError(usage);
  const parts = spec.slice(0, eq).split('.');
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => ID_RE.test(p))) throw new UsageError(usage);
  const [program, criterion, metric] = parts as [string, string, string | undefined];
  const value = spec.slice(eq + 1).trim();
  let threshold: ThresholdChange['threshold'];
  if (PER_MARKET_RE.test(value)) {
    const perMarket: Record<string, Threshold> = {};
    for (const pair of value.split(',')) {
      const colon = pair.indexOf(':');
      if (colon <= 0 || colon === pair.length - 1) throw new UsageError(usage);
      perMarket[parseMarket(pair.slice(0, colon))] = parseScalar(pair.slice(colon + 1));
    }
    threshold = perMarket;
  } else {
    threshold = parseScalar(value);
  }
  return metric === undefined ? { program, criterion, threshold } : { program, criterion, metric, threshold };
}
