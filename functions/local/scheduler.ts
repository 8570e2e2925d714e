/**
 * The monthly schedules while the local server runs, as EventBridge Scheduler runs them in AWS: for each
 * market the planner at 00:00 on the 1st (market-local), and the watchdog 2 hours and 24 hours after it,
 * each with the same input (`market`, `scheduledTime` of that firing).
 */
import { addMonths, MARKET_CODES, monthContaining, scheduledRunAt, type Market } from '../../shared/domain/calendar';

/** setTimeout holds at most 2^31-1 ms (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const HOUR_MS = 3_600_000;

export type ScheduleTarget = (input: { market: Market; scheduledTime: string }) => Promise<unknown>;

export interface MonthlyTargets {
  planner: ScheduleTarget;
  watchdog?: ScheduleTarget;
}

/** The firings of one market's schedules in one month: the planner's, then the watchdog's two. */
function firingsOf(targets: MonthlyTargets, start: Date): { name: string; at: Date; target: ScheduleTarget }[] {
  const out = [{ name: 'monthly run', at: start, target: targets.planner }];
  if (targets.watchdog) {
    for (const hours of [2, 24]) out.push({ name: `watchdog (+${hours} h)`, at: new Date(start.getTime() + hours * HOUR_MS), target: targets.watchdog });
  }
  return out;
}

export function startMonthlySchedule(targets: MonthlyTargets, clock: () => Date = () => new Date()): () => void {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const arm = (market: Market, firing: { name: string; at: Date; target: ScheduleTarget }, rearm: () => void) => {
    const wait = firing.at.getTime() - clock().getTime();
    const timer = setTimeout(
      async () => {
        timers.delete(timer);
        if (stopped) return;
        if (clock().getTime() < firing.at.getTime()) return arm(market, firing, rearm); // a chained long wait
        try {
          await firing.target({ market, scheduledTime: firing.at.toISOString() });
        } catch (error) {
          // As Scheduler's failed delivery: reported, the next month's firing still comes.
          console.error(`${firing.name} for ${market} failed`, error);
        }
        rearm();
      },
      Math.min(Math.max(wait, 0), MAX_TIMER_MS),
    );
    timer.unref();
    timers.add(timer);
  };

  /** Arms the market's firings of the next month start that are still ahead. */
  const armMonth = (market: Market) => {
    const now = clock();
    const current = scheduledRunAt(monthContaining(market, now), market);
    const next = scheduledRunAt(addMonths(monthContaining(market, now), 1), market);
    // The current month's watchdog firings may still be ahead (started between 00:00 and 24:00 on the 1st).
    const ahead = [...firingsOf(targets, current), ...firingsOf(targets, next)].filter((f) => f.at.getTime() > now.getTime());
    let left = ahead.length;
    for (const firing of ahead) arm(market, firing, () => --left === 0 && armMonth(market));
  };

  for (const market of MARKET_CODES) armMonth(market);
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}
