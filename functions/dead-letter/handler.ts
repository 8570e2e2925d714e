/**
 * Placeholder so the stack synthesizes on this branch: the real consumer of the segment DLQ (it marks the
 * segment's run failed with a reason) comes from its own branch at merge.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  void event;
  return { batchItemFailures: [] };
};
