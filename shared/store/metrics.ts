/** Daily metrics: one item per shop and market-local date, so a restated day replaces the old one. */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalDate } from '../domain/calendar';
import type { DailyRecord } from '../domain/metrics';
import { daySk, shopPk } from './keys';
import { batchWriteAll, type RetryOptions } from './retry';

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
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, ...record } = item;
        records.push(record as DailyRecord);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
