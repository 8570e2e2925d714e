/** The monthly run's pure rules: the revocation window, segments of named shops, the retry backoff, the schedules. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMonthlySchedule } from '../../functions/local/scheduler';
import type { Market } from '../../shared/domain/calendar';
import { segmentBackoffSeconds } from '../../shared/queue';
import { SHARDS_PER_MARKET } from '../../shared/store/table';
import { revocationWatchEnd, scheduledRunId, segmentsOf } from '../../shared/usecases/evaluation';

describe('revocationWatchEnd: the earlier of the run\'s market-local date and the last day of the month', () => {
  it('is the run\'s local date during the month, in the market\'s time zone', () => {
    // 00:00 on 1 December in Bangkok is still 30 November in Los Angeles.
    expect(revocationWatchEnd('2026-12', 'TH', new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
    expect(revocationWatchEnd('2026-12', 'US', new Date('2026-11-30T17:00:00Z'))).toBe('2026-11-30');
    expect(revocationWatchEnd('2026-12', 'TH', new Date('2026-12-15T12:00:00Z'))).toBe('2026-12-15');
  });

  it('stops at the last day of the badge month for a late rerun', () => {
    expect(revocationWatchEnd('2026-12', 'TH', new Date('2027-03-01T00:00:00Z'))).toBe('2026-12-31');
    expect(revocationWatchEnd('2027-02', 'GB', new Date('2027-05-01T00:00:00Z'))).toBe('2027-02-28');
  });
});

describe('segments', () => {
  const base = { runId: 'r', month: '2026-12', dryRun: false, startedAt: '2026-12-01T00:00:00.000Z' };

  it('are the shards of each market for a run of every shop', () => {
    const segments = segmentsOf({ ...base, markets: ['TH', 'GB'] });
    expect(segments).toHaveLength(2 * SHARDS_PER_MARKET);
    expect(segments.every((s) => s.shopIds === undefined && s.runOrder === `${base.startedAt}#r`)).toBe(true);
  });

  it('are chunks of at most 100 named shops for a run of named shops, every shop in exactly one', () => {
    const th = Array.from({ length: 250 }, (_, i) => `th-${i}`);
    const segments = segmentsOf({ ...base, markets: ['TH', 'GB', 'US'] as Market[], shopIds: { TH: th, GB: ['gb-1'] } });
    expect(segments.map((s) => [s.market, s.shard, s.shopIds?.length])).toEqual([
      ['TH', 0, 100],
      ['TH', 1, 100],
      ['TH', 2, 50],
      ['GB', 0, 1],
    ]);
    expect(segments.flatMap((s) => s.shopIds)).toEqual([...th, 'gb-1']);
  });

  it('of a scheduled run have a fixed run id', () => {
    expect(scheduledRunId('TH', '2026-12')).toBe('sched-TH-2026-12');
  });
});

describe('segmentBackoffSeconds', () => {
  it('grows by 30 s per receive and stops at 15 minutes', () => {
    expect([1, 2, 3, 5, 30, 1000].map(segmentBackoffSeconds)).toEqual([30, 60, 90, 150, 900, 900]);
    expect(segmentBackoffSeconds(0)).toBe(30);
  });
});

describe('the local monthly schedules', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('invoke the planner at 00:00 on the 1st (market-local) and the watchdog 2 h and 24 h later', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-30T16:00:00Z')); // 23:00 on 30 November in Bangkok
    const calls: string[] = [];
    const record = (name: string) => async (input: { market: Market; scheduledTime: string }) => {
      if (input.market === 'TH') calls.push(`${name} ${input.scheduledTime}`);
    };
    const stop = startMonthlySchedule({ planner: record('planner'), watchdog: record('watchdog') });
    try {
      await vi.advanceTimersByTimeAsync(26 * 3_600_000);
    } finally {
      stop();
    }
    expect(calls).toEqual(['planner 2026-11-30T17:00:00.000Z', 'watchdog 2026-11-30T19:00:00.000Z', 'watchdog 2026-12-01T17:00:00.000Z']);
  });
});
