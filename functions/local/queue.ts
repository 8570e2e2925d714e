/**
 * The segment queue on one machine: the same message bodies as SQS, delivered to the very worker handler
 * as SQS events. As in AWS: a reported failure comes back after the visibility the worker set
 * (`retryAfter`, SQS ChangeMessageVisibility), and after `maxReceives` deliveries the message goes to the
 * dead-letter handler (functions/dead-letter/handler.ts) as an SQS event of the DLQ.
 *
 * The backoff is waited through `wait`, which by default does not wait at all: locally nothing throttles
 * for minutes, and tests must not sleep. `backoffs` records every visibility a worker asked for.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { SegmentMessage, SegmentQueue } from '../../shared/usecases/services';

export type SqsWorker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<unknown>;

/** The stack's maxReceiveCount of the segment queue (infra/constructs/monthly-evaluation.ts). */
const DEFAULT_MAX_RECEIVES = 5;

interface Delivery {
  body: string;
  receives: number;
  messageId: string;
  /** Seconds the worker asked to wait before the next delivery (ChangeMessageVisibility). */
  visibility: number;
}

export interface LocalQueueOptions {
  concurrency?: number;
  maxReceives?: number;
  /** The DLQ's consumer: receives each message that failed `maxReceives` times. */
  deadLetter?: SqsConsumer;
  /** Waits out a redelivery's backoff; the default does not wait. */
  wait?: (ms: number) => Promise<void>;
}

function sqsRecord(delivery: Delivery, queue: string): SQSRecord {
  return {
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
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
    awsRegion: 'local',
  };
}

export class LocalSegmentQueue implements SegmentQueue {
  private readonly pending: Delivery[] = [];
  private readonly byHandle = new Map<string, Delivery>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  /** Every backoff a worker asked for, in seconds, in order. */
  readonly backoffs: number[] = [];
  /** Messages handed to the dead-letter consumer. */
  readonly deadLettered: SegmentMessage[] = [];

  constructor(
    private readonly worker: SqsWorker,
    private readonly options: LocalQueueOptions = {},
  ) {}

  async send(messages: SegmentMessage[]): Promise<void> {
    for (const m of messages) this.pending.push({ body: JSON.stringify(m), receives: 0, messageId: randomUUID(), visibility: 0 });
    this.pump();
  }

  async retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    const delivery = this.byHandle.get(receiptHandle);
    if (!delivery) throw new Error(`no message in flight with receipt handle ${receiptHandle}`);
    delivery.visibility = seconds;
    this.backoffs.push(seconds);
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
      void this.deliver(delivery)
        // Only the dead-letter consumer can throw here; as with a failing DLQ consumer in AWS, it is logged.
        .catch((error: unknown) => console.error('the dead-letter consumer failed', error))
        .finally(() => {
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
    if (delivery.visibility > 0) await (this.options.wait ?? (async () => undefined))(delivery.visibility * 1000);
    delivery.receives++;
    delivery.visibility = 0;
    this.byHandle.set(delivery.messageId, delivery);
    let failed: boolean;
    try {
      const out = await this.worker({ Records: [sqsRecord(delivery, 'segments')] }, {} as Context);
      failed = out.batchItemFailures.some((f) => f.itemIdentifier === delivery.messageId);
    } catch (error) {
      // As the Lambda poller does: a thrown invocation fails the whole batch, and it is delivered again.
      console.error('segment worker threw; the message will be delivered again', error);
      failed = true;
    } finally {
      this.byHandle.delete(delivery.messageId);
    }
    if (!failed) return;
    if (delivery.receives < (this.options.maxReceives ?? DEFAULT_MAX_RECEIVES)) {
      this.pending.push(delivery);
      return;
    }
    this.deadLettered.push(JSON.parse(delivery.body) as SegmentMessage);
    if (!this.options.deadLetter) throw new Error(`segment message ${delivery.messageId} dead-lettered and no dead-letter consumer is set`);
    await this.options.deadLetter({ Records: [sqsRecord(delivery, 'segments-dlq')] }, {} as Context);
  }
}
