/**
 * Evaluates run segments from the queue; failed messages are reported one by one (ReportBatchItemFailures)
 * and come back after a short backoff (their visibility is changed), not after the 90-minute visibility
 * timeout. A shop that fails is logged with its run and error and counted in `ShopsFailed`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { segmentMessage } from '../../shared/events';
import { segmentBackoffSeconds } from '../../shared/queue';
import { logger } from '../../shared/observability/logger';
import { metrics } from '../../shared/observability/metrics';
import { services } from '../../shared/runtime';
import { WORKER_MAX_ATTEMPTS } from '../../shared/store/client';
import { processSegment } from '../../shared/usecases/evaluation';

services({ maxAttempts: WORKER_MAX_ATTEMPTS });

async function backOff(record: SQSRecord): Promise<void> {
  const seconds = segmentBackoffSeconds(Number(record.attributes.ApproximateReceiveCount) || 1);
  try {
    await services().queue.retryAfter?.(record.receiptHandle, seconds);
  } catch (error) {
    // The message still comes back, after the queue's visibility timeout instead.
    logger.error('could not shorten the failed segment\'s visibility', { messageId: record.messageId, error: error as Error });
  }
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  let measured = false;
  for (const record of event.Records) {
    try {
      const message = segmentMessage.parse(JSON.parse(record.body));
      const outcome = await processSegment(services(), message, (shopId, error) =>
        logger.error('shop evaluation failed', { runId: message.runId, shopId, month: message.month, error: error as Error }),
      );
      if (outcome) {
        metrics.addMetric('ShopsFailed', MetricUnit.Count, outcome.failed);
        measured = true;
      }
      logger.info(outcome ? 'segment done' : 'segment skipped: already done or run over', {
        runId: message.runId,
        market: message.market,
        shard: message.shard,
        ...(outcome ? { evaluated: outcome.evaluated, awarded: outcome.awarded, failed: outcome.failed } : {}),
      });
    } catch (error) {
      logger.error('segment failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      await backOff(record);
    }
  }
  if (measured) metrics.publishStoredMetrics();
  return { batchItemFailures };
};
