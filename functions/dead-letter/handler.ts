/**
 * Consumes the segment dead-letter queue: a segment that failed every delivery marks its run `failed`,
 * with a reason the run's status shows, instead of leaving it `running` for ever.
 */
import type { SQSEvent } from 'aws-lambda';
import { segmentMessage } from '../../shared/events';
import { logger } from '../../shared/observability/logger';
import { services } from '../../shared/runtime';
import { failSegment } from '../../shared/usecases/evaluation';

services();

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    return { invalidJson: (error as Error).message };
  }
}

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const record of event.Records) {
    const parsed = segmentMessage.safeParse(parseBody(record.body));
    if (!parsed.success) {
      // Nothing to mark: no run can be named. Logged with the body, so an operator can see what it was.
      logger.error('dead-lettered message is not a segment message; dropped', { messageId: record.messageId, body: record.body, issues: parsed.error.issues });
      continue;
    }
    const message = parsed.data;
    const segment = `${message.market}#${message.shard}`;
    const reason = `segment ${segment} of ${message.month} kept failing and was dead-lettered (the worker's "segment failed" logs say why); start the month again once fixed`;
    // A throw here fails the invocation, and SQS delivers the dead letter again.
    const marked = await failSegment(services(), message, reason);
    logger.error('segment dead-lettered', { runId: message.runId, segment, runMarkedFailed: marked });
  }
};
