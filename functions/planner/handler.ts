/**
 * Target of each market's monthly schedule (00:00 on the 1st, market-local): starts the month's scheduled
 * run, or, on a repeated delivery (Scheduler and async Lambda deliver at least once), finds it and queues
 * only what is missing. The month comes from the scheduled instant, not the clock.
 */
import { scheduledMarketEvent } from '../../shared/events';
import { logger } from '../../shared/observability/logger';
import { services } from '../../shared/runtime';
import { startScheduledRun } from '../../shared/usecases/evaluation';

services();

export const handler = async (event: unknown): Promise<{ runId: string; outcome: string }> => {
  const { market, scheduledTime } = scheduledMarketEvent.parse(event);
  const at = scheduledTime ? new Date(scheduledTime) : services().clock();
  const { run, outcome } = await startScheduledRun(services(), market, at);
  logger.info('monthly run planned', { market, month: run.month, runId: run.runId, outcome, segments: run.segmentsTotal });
  return { runId: run.runId, outcome };
};
