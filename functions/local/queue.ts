/**
 * The segment queue on one machine: the same message bodies as SQS, delivered to the very worker handler
 * as SQS events, with redelivery of reported failures and a dead-letter step after `maxReceives`.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SegmentMessage, SegmentQueue } from '../../shared/usecases/services';

export type SqsWorker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

interface Delivery {
  body: string;
  receives: number;
  messageId: string;
}

export class LocalSegmentQueue implements SegmentQueue {
  private readonly pending: Delivery[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly worker: SqsWorker,
    private readonly options: { concurrency?: number; maxReceives?: number; onDeadLetter?: (m: SegmentMessage) => Promise<void> } = {},
  ) {}

  async send(messages: SegmentMessage[]): Promise<void> {
    for (const m of messages) this.pending.push({ body: JSON.stringify(m), receives: 0, messageId: randomUUID() });
    this.pump();
  }

  /** Resolves once every queued message has been handled (or dead-lettered). */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get depth(): number {
    return this.pending.length + this.inFlight;
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 4;
    while (this.inFlight < concurrency && this.pending.length > 0) {
      const delivery = this.pending.shift()!;
      this.inFlight++;
      void this.deliver(delivery).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.pending.length === 0 && this.inFlight === 0) {
          const waiters = this.waiters;
          this.waiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    delivery.receives++;
    const record: SQSRecord = {
      messageId: delivery.messageId,
      receiptHandle: delivery.messageId,
      body: delivery.body,
      attributes: {
        ApproximateReceiveCount: String(delivery.receives),
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:segments',
      awsRegion: 'local',
    };
    let failed: boolean;
    try {
      const out = await this.worker({ Records: [record] }, {} as Context);
      failed = out.batchItemFailures.some((f) => f.itemIdentifier === delivery.messageId);
    } catch {
      failed = true;
    }
    if (!failed) return;
    if (delivery.receives < (this.options.maxReceives ?? 3)) this.pending.push(delivery);
    else await this.options.onDeadLetter?.(JSON.parse(delivery.body) as SegmentMessage);
  }
}
