/**
 * The monthly schedule while the local server runs: for each market, the planner is invoked at 00:00 on
 * the 1st, market-local, with the same input EventBridge Scheduler sends in AWS.
 */
import { addMonths, MARKET_CODES, monthContaining, scheduledRunAt, type Market } from '../../shared/domain/calendar';

/** setTimeout holds at most 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startMonthlySchedule(
  planner: (input: { market: Market; scheduledTime: string }) => Promise<unknown>,
  clock: () => Date = () => new Date(),
): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const arm = (market: Market) => {
    const now = clock();
    const next = scheduledRunAt(addMonths(monthContaining(market, now), 1), market);
    const wait = next.getTime() - now.getTime();
    const timer = setTimeout(
      async () => {
        timers.delete(timer);
        if (stopped) return;
        if (clock().getTime() >= next.getTime()) {
          try {
            await planner({ market, scheduledTime: next.toISOString() });
          } catch (error) {
            console.error(`monthly run for ${market} failed to start`, error);
          }
        }
        arm(market);
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
    timer.unref();
    timers.add(timer);
  };

  for (const market of MARKET_CODES) arm(market);
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}
