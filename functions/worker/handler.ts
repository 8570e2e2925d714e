/** Evaluates run segments from the queue; failed messages are reported one by one (ReportBatchItemFailures). */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { segmentMessage } from '../../shared/http/events';
import { logger } from '../../shared/http/middleware';
import { services } from '../../shared/runtime';
import { processSegment } from '../../shared/usecases/evaluation';

services();

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = segmentMessage.parse(JSON.parse(record.body));
      const counts = await processSegment(services(), message);
      logger.info('segment done', { ...message, counts });
    } catch (error) {
      logger.error('segment failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
