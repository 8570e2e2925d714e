/** Target of each market's monthly schedule (00:00 on the 1st, market-local): plans the month's run. */
import { monthContaining } from '../../shared/domain/calendar';
import { scheduledMarketEvent } from '../../shared/http/events';
import { logger } from '../../shared/http/middleware';
import { services } from '../../shared/runtime';
import { startRun } from '../../shared/usecases/evaluation';

services();

export const handler = async (event: unknown): Promise<{ runId: string }> => {
  const { market, scheduledTime } = scheduledMarketEvent.parse(event);
  const at = scheduledTime ? new Date(scheduledTime) : services().clock();
  const run = await startRun(services(), { month: monthContaining(market, at), markets: [market] });
  logger.info('monthly run planned', { market, month: run.month, runId: run.runId, segments: run.segmentsTotal });
  return { runId: run.runId };
};
