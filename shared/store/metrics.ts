/** Daily metrics: one item per shop and market-local date, so a restated day replaces the old one. */
import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addMonths, dayNumber, firstDay, monthAssessedOn, validity, type BadgeMonth, type LocalDate, type Market } from '../domain/calendar';
import { COUNTERS, GAUGES, PEAKS, type DailyRecord } from '../domain/metrics';
import { daySk, shopPk } from './keys';
import { batchWriteAll, type RetryOptions } from './retry';
import { TABLE } from './table';

/**
 * How many badge months an operator may evaluate (or rerun) with the days still kept: the current month
 * and the two before it. The longest window any reader needs; the others are shorter: the signals route
 * reads 30 days, the projection the open period (at most 31 days), the scheduled run its period plus the
 * days up to its own date. docs/scale.md ("Keeping the days") says what a rerun of an older month means.
 */
export const RERUNNABLE_MONTHS = 3;

/**
 * When a daily record may expire (epoch seconds, the table's TTL attribute): the 1st of the first month
 * that can no longer be rerun with it, plus one day so that the market-local midnight of every market
 * (UTC-8 to UTC+8) has passed. A day of the period of badge month M (26th of M-2 to 25th of M-1) expires
 * at the start of the 1st of M+3 (2 to 4 months after the day); DynamoDB deletes it some time after that.
 */
export function dayExpiresAt(date: LocalDate): number {
  const lastRerunnable = addMonths(monthAssessedOn(date), RERUNNABLE_MONTHS - 1);
  return (dayNumber(firstDay(addMonths(lastRerunnable, 1))) + 1) * 86_400;
}

/**
 * Until when badge month `month` may be evaluated again in `market` where days expire (AWS): the end of the
 * last of the RERUNNABLE_MONTHS badge months, market-local. Its period's days are kept 16 to 31 hours
 * longer (dayExpiresAt), so a run started before then reads every day.
 */
export function daysKeptUntil(month: BadgeMonth, market: Market): Date {
  return validity(addMonths(month, RERUNNABLE_MONTHS - 1), market).validUntil;
}

/** A daily record's attributes, in one order (the item also holds pk and sk). */
const RECORD_FIELDS = ['shopId', 'date', ...COUNTERS, ...GAUGES, ...PEAKS] as const;

/**
 * The record of an item, from its attribute values: the fields copied in one order, so every record has the
 * same shape (pk and sk left out). The days Query is the monthly run's hot path, one per shop, so it is sent
 * as the low-level command and converted here: the DocumentClient's marshalling and unmarshalling, and an
 * object rest copy (`const { pk, sk, ...record } = item`, a slow path in V8), cost about half a millisecond
 * of CPU per shop (test/bench/evaluation.ts, docs/scale.md). Daily records hold numbers, strings and
 * booleans only (shared/domain/daily-record.ts).
 */
function toRecord(item: Record<string, AttributeValue>): DailyRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    const value = item[field];
    if (value === undefined) continue;
    if (value.N !== undefined) {
      const n = Number(value.N);
      // As the DocumentClient does: no silent loss of precision.
      if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw new Error(`${field} ${value.N} is not a safe integer`);
      record[field] = n;
    } else if (value.S !== undefined) record[field] = value.S;
    else if (value.BOOL !== undefined) record[field] = value.BOOL;
    else if (value.NULL) record[field] = null;
    else throw new Error(`${field}: unexpected attribute type ${Object.keys(value).join(',')}`);
  }
  return record as DailyRecord;
}

export class MetricsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retry: RetryOptions = {},
  ) {}

  /**
   * Stores the days, each with its expiry (TTL); of two records for one shop and date in the same call the
   * later one wins.
   */
  async putDays(records: readonly DailyRecord[]): Promise<void> {
    const byKey = new Map<string, DailyRecord>();
    for (const r of records) byKey.set(`${r.shopId}|${r.date}`, r);
    await batchWriteAll(
      this.doc,
      this.table,
      [...byKey.values()].map((r) => ({
        PutRequest: { Item: { pk: shopPk(r.shopId), sk: daySk(r.date), ...r, [TABLE.timeToLiveAttribute]: dayExpiresAt(r.date) } },
      })),
      this.retry,
    );
  }

  /** One shop's days from `from` to `to` (both included), oldest first: one Query. */
  async days(shopId: string, from: LocalDate, to: LocalDate): Promise<DailyRecord[]> {
    const records: DailyRecord[] = [];
    // The low-level Query (no DocumentClient unmarshalling): the monthly run's hot read (docs/scale.md).
    // Paged by hand: the SDK's low-level paginator accepts only a DynamoDBClient, not the DocumentClient.
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': { S: shopPk(shopId) }, ':a': { S: daySk(from) }, ':b': { S: daySk(to) } },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) records.push(toRecord(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return records;
  }
}
