/** Daily metrics: one item per shop and market-local date, so a restated day replaces the old one. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '../domain/calendar';
import { COUNTERS, GAUGES, PEAKS, type DailyRecord } from '../domain/metrics';
import { daySk, shopPk } from './keys';
import { batchWriteAll, type RetryOptions } from './retry';

/** A daily record's attributes, in one order (the item also holds pk and sk). */
const RECORD_FIELDS = ['shopId', 'date', ...COUNTERS, ...GAUGES, ...PEAKS] as const;

/**
 * The record of an item: its fields copied in one order, so every record has the same shape. Not
 * `const { pk, sk, ...record } = item`: object rest with excluded keys takes a slow path in V8 (about
 * 20 us an item, half a millisecond per shop of a monthly run; test/bench/evaluation.ts).
 */
function toRecord(item: Record<string, unknown>): DailyRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    const value = item[field];
    if (value !== undefined) record[field] = value;
  }
  return record as DailyRecord;
}

export class MetricsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retry: RetryOptions = {},
  ) {}

  /** Stores the days; of two records for one shop and date in the same call the later one wins. */
  async putDays(records: readonly DailyRecord[]): Promise<void> {
    const byKey = new Map<string, DailyRecord>();
    for (const r of records) byKey.set(`${r.shopId}|${r.date}`, r);
    await batchWriteAll(
      this.doc,
      this.table,
      [...byKey.values()].map((r) => ({ PutRequest: { Item: { pk: shopPk(r.shopId), sk: daySk(r.date), ...r } } })),
      this.retry,
    );
  }

  /** One shop's days from `from` to `to` (both included), oldest first: one Query. */
  async days(shopId: string, from: LocalDate, to: LocalDate): Promise<DailyRecord[]> {
    const records: DailyRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': shopPk(shopId), ':a': daySk(from), ':b': daySk(to) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) records.push(toRecord(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
