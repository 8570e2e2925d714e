/**
 * Daily records expire by TTL (the table's `expiresAt`, issue 10 item 5): ingest writes the attribute on
 * every DAY# item, at the end of the window the longest reader needs (an operator's rerun of the oldest
 * month still allowed, docs/scale.md "Keeping the days"), and reading days is unchanged by it. On DynamoDB
 * Local, through the ingest use case that POST /v1/metrics runs.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, assessmentPeriod, dayNumber, MARKET_CODES, validity, type Market } from '../../shared/domain/calendar';
import { dayExpiresAt, daysKeptUntil, RERUNNABLE_MONTHS } from '../../shared/store/metrics';
import { TABLE } from '../../shared/store/table';
import { ingestMetrics } from '../../shared/usecases/ingest';
import type { Services } from '../../shared/usecases/services';
import { startTestDb, testClock, testServices, type TestDb } from '../support/harness';
import { healthyDay } from '../support/records';

async function dayItems(doc: DynamoDBDocumentClient, table: string, shopId: string): Promise<Record<string, unknown>[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
      ExpressionAttributeValues: { ':pk': `SHOP#${shopId}`, ':day': 'DAY#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const epochSeconds = (iso: string): number => Date.parse(iso) / 1000;

async function shop(svc: Services, shopId: string, market: Market): Promise<void> {
  await svc.shops.putProfile({ shopId, market, name: shopId, onboardedAt: '2024-01-15', certifications: [] });
}

describe('DAY# items expire by TTL', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await startTestDb();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('the TTL attribute is expiresAt, and only days are kept for three rerunnable badge months', () => {
    expect(TABLE.timeToLiveAttribute).toBe('expiresAt');
    expect(RERUNNABLE_MONTHS).toBe(3);
  });

  it('ingest writes expiresAt on every day: the start of the 1st of M+3 (+1 day) for a day of the period of M', async () => {
    const table = await db.table();
    const svc = testServices(db, table, { clock: testClock('2026-11-25T12:00:00Z') });
    await shop(svc, 'th-ttl', 'TH');

    // 2026-10-25 is the last day of the period of 2026-11; 2026-10-26 the first of 2026-12.
    const records = [healthyDay('th-ttl', '2026-09-26'), healthyDay('th-ttl', '2026-10-25'), healthyDay('th-ttl', '2026-10-26')];
    expect(await ingestMetrics(svc, records)).toEqual({ accepted: 3, rejected: [] });

    const expires = new Map((await dayItems(db.doc, table, 'th-ttl')).map((item) => [item.date, item.expiresAt]));
    expect(Object.fromEntries(expires)).toEqual({
      '2026-09-26': epochSeconds('2027-02-02T00:00:00Z'),
      '2026-10-25': epochSeconds('2027-02-02T00:00:00Z'),
      '2026-10-26': epochSeconds('2027-03-02T00:00:00Z'),
    });

    // Reading days is unchanged: the record has no expiresAt.
    expect(await svc.metrics.days('th-ttl', '2026-09-26', '2026-10-26')).toEqual(records);
  });

  it('a restated day gets the same expiry again (the put replaces the item, TTL included)', async () => {
    const table = await db.table();
    const svc = testServices(db, table, { clock: testClock('2026-11-25T12:00:00Z') });
    await shop(svc, 'us-ttl', 'US');
    await ingestMetrics(svc, [healthyDay('us-ttl', '2026-11-01', { ordersPlaced: 3 })]);
    await ingestMetrics(svc, [healthyDay('us-ttl', '2026-11-01', { ordersPlaced: 5 })]);
    expect(await dayItems(db.doc, table, 'us-ttl')).toEqual([
      expect.objectContaining({ ordersPlaced: 5, expiresAt: epochSeconds('2027-03-02T00:00:00Z') }),
    ]);
  });

  it.each(['2026-01', '2026-03', '2026-08', '2027-01'])(
    'the days of %s outlive its last rerunnable moment in every market, and the signals window',
    (month) => {
      const lastRerunMonth = addMonths(month, RERUNNABLE_MONTHS - 1);
      const period = assessmentPeriod(month, 'GB');
      for (let day = period.from; day <= period.to; day = addDays(day, 1)) {
        const expiresAtMs = dayExpiresAt(day) * 1000;
        for (const market of MARKET_CODES) {
          // A rerun of `month` may start until the end of its third badge month, market-local (where days
          // expire, startRun refuses it after daysKeptUntil), and has 16 hours at least to read the days.
          expect(daysKeptUntil(month, market)).toEqual(validity(lastRerunMonth, market).validUntil);
          expect(expiresAtMs - daysKeptUntil(month, market).getTime()).toBeGreaterThanOrEqual(16 * 3_600_000);
        }
        // The signals route reads the 30 days ending yesterday: a day is needed 31 days at most.
        expect(dayExpiresAt(day) / 86_400 - dayNumber(day)).toBeGreaterThan(31);
      }
      // And not much longer: a day of the next period already expires a month later.
      expect(dayExpiresAt(addDays(period.to, 1)) - dayExpiresAt(period.to)).toBeGreaterThanOrEqual(28 * 86_400);
    },
  );
});
