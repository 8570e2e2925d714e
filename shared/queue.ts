/**
 * The segment queue on SQS: SendMessageBatch of 10 (entries the batch hands back are re-sent by
 * resendUnprocessed), and the visibility change that brings a failed segment back after a short backoff.
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { chunks, resendUnprocessed } from './store/retry';
import type { SegmentMessage, SegmentQueue } from './usecases/services';

/**
 * Backoff before a failed segment is delivered again: 30 s per receive so far, at most 15 minutes. Short
 * next to the 90-minute visibility timeout (sized for a worker's longest segment), long enough for a
 * throttled table to recover.
 */
export function segmentBackoffSeconds(receiveCount: number): number {
  return Math.min(30 * Math.max(1, receiveCount), 15 * 60);
}

export class SqsSegmentQueue implements SegmentQueue {
  private readonly sqs: SQSClient;
  constructor(
    private readonly url: string,
    region: string,
  ) {
    this.sqs = new SQSClient({ region, retryMode: 'adaptive', maxAttempts: 6 });
  }

  async send(messages: SegmentMessage[]): Promise<void> {
    for (const batch of chunks(messages, 10)) {
      await resendUnprocessed(
        'segment messages',
        batch.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) })),
        async (pending) => {
          const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: pending }));
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          return pending.filter((e) => failed.has(e.Id));
        },
      );
    }
  }

  async retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}
