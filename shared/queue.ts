/** The segment queue on SQS: SendMessageBatch of 10, failed entries retried with backoff and jitter. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { backoffDelay, chunks } from './store/retry';
import type { SegmentMessage, SegmentQueue } from './usecases/services';

export class SqsSegmentQueue implements SegmentQueue {
  private readonly sqs: SQSClient;
  constructor(
    private readonly url: string,
    region: string,
  ) {
    this.sqs = new SQSClient({ region });
  }

  async send(messages: SegmentMessage[]): Promise<void> {
    for (const batch of chunks(messages, 10)) {
      let pending = batch.map((m, i) => ({ Id: String(i), MessageBody: JSON.stringify(m) }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= 8) throw new Error(`${pending.length} segment messages could not be queued`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, backoffDelay(attempt)));
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.url, Entries: pending }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
      }
    }
  }
}
