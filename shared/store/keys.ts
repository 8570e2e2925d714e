/** Item keys: the only place that knows how they are spelled (see table.ts for the design). */
import type { BadgeMonth, LocalDate, Market } from '../domain/calendar';
import { SHARDS_PER_MARKET } from './table';

export const shopPk = (shopId: string) => `SHOP#${shopId}`;
export const PROFILE_SK = 'PROFILE';
export const daySk = (date: LocalDate) => `DAY#${date}`;
export const monthSk = (month: BadgeMonth) => `MONTH#${month}`;
export const runPk = (runId: string) => `RUN#${runId}`;
export const RUN_SK = 'RUN';
export const segmentSk = (market: Market, shard: number) => `SEG#${market}#${String(shard).padStart(3, '0')}`;
export const RUNS_PK = 'RUNS';
/** `startedAt#runId`: orders runs (the run lists' sort key, a month record's writer), newest last. */
export const runOrderOf = (run: { startedAt: string; runId: string }) => `${run.startedAt}#${run.runId}`;
/** A shop whose badge a dry run changes, under the run's key (the full diff download). */
export const diffPrefix = 'DIFF#';
export const diffSk = (shopId: string) => `${diffPrefix}${shopId}`;
/** Every run of one badge month (scheduled, catch-up, operator), for the month's run list. */
export const monthRunsPk = (month: BadgeMonth) => `RUNS#${month}`;
export const marketPk = (market: Market) => `MARKET#${market}`;
/** Profile attributes holding a month's compact badge and its revocation, for one-request lookups. */
export const badgeAttr = (month: BadgeMonth) => `B#${month}`;
export const revocationAttr = (month: BadgeMonth) => `R#${month}`;

/** FNV-1a: a stable, well-spread shard for a shop id (the same in every process and language). */
export function shardOf(shopId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < shopId.length; i++) {
    hash ^= shopId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SHARDS_PER_MARKET;
}

export const shardPk = (market: Market, shard: number) => `SHARD#${market}#${String(shard).padStart(3, '0')}`;
