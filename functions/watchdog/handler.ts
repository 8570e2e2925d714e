/**
 * Runs two hours after each market's monthly schedule: publishes MonthlyRunNotSucceeded = 1 when the
 * month has no succeeded run yet, which the stack's alarm watches.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { monthContaining } from '../../shared/domain/calendar';
import { scheduledMarketEvent } from '../../shared/http/events';
import { logger, metrics } from '../../shared/http/middleware';
import { services } from '../../shared/runtime';

services();

export const handler = async (event: unknown): Promise<{ month: string; succeeded: boolean }> => {
  const { market, scheduledTime } = scheduledMarketEvent.parse(event);
  const month = monthContaining(market, scheduledTime ? new Date(scheduledTime) : services().clock());
  const succeeded = (await services().runs.evaluatedMonths(market)).has(month);
  metrics.addDimension('Market', market);
  metrics.addMetric('MonthlyRunNotSucceeded', MetricUnit.Count, succeeded ? 0 : 1);
  metrics.publishStoredMetrics();
  if (!succeeded) logger.error('monthly run has not succeeded two hours after its start', { market, month });
  return { month, succeeded };
};
