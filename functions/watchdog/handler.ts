/**
 * Runs two hours, and again 24 hours, after each market's monthly schedule. Queues again the missing
 * segments of the month's scheduled run when it is still running and they were not queued recently (a
 * planner that crashed before queueing, segments lost), and publishes MonthlyRunNotSucceeded = 1 while
 * the month has no succeeded run, which the stack's alarm watches.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { monthContaining } from '../../shared/domain/calendar';
import { scheduledMarketEvent } from '../../shared/events';
import { logger } from '../../shared/observability/logger';
import { metrics } from '../../shared/observability/metrics';
import { services } from '../../shared/runtime';
import { resumeScheduledRun } from '../../shared/usecases/evaluation';

services();

export const handler = async (event: unknown): Promise<{ month: string; succeeded: boolean; requeued: number }> => {
  const { market, scheduledTime } = scheduledMarketEvent.parse(event);
  const month = monthContaining(market, scheduledTime ? new Date(scheduledTime) : services().clock());
  const requeued = await resumeScheduledRun(services(), market, month);
  if (requeued > 0) logger.warn('queued the missing segments of the scheduled run again', { market, month, requeued });
  const succeeded = (await services().runs.evaluatedMonths(market)).has(month);
  metrics.addDimension('Market', market);
  metrics.addMetric('MonthlyRunNotSucceeded', MetricUnit.Count, succeeded ? 0 : 1);
  metrics.publishStoredMetrics();
  if (!succeeded) logger.error('monthly run has not succeeded yet', { market, month, requeued });
  return { month, succeeded, requeued };
};
