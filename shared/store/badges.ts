/**
 * Month evaluation records (one per shop and badge month) and their compact copy on the profile that the
 * lookup reads. Writes are idempotent and ordered: a record carries the `runOrder` of the run that wrote
 * it, and a conditional write lets an older run never overwrite a newer one's result. A revocation is an
 * attribute no evaluation write touches, so it stays across reruns.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { UpdateItemCommand, type AttributeValue, type ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addMonths, type BadgeMonth, type Market } from '../domain/calendar';
import type { AwardedBadge, ProgramResult } from '../domain/evaluate';
import { isConditionFailure } from './conditions';
import { badgeAttr, monthSk, PROFILE_SK, revocationAttr, shopPk } from './keys';
import type { MonthBadge, Revocation } from './shops';

export interface MonthRecord {
  shopId: string;
  market: Market;
  month: BadgeMonth;
  badge: AwardedBadge | null;
  programs: ProgramResult[];
  evaluatedAt: string;
  runId: string;
  revocation: Revocation | null;
}

/** `revoked`: written, but the month was already revoked (a revocation stays): the shop shows no badge. */
export type WriteOutcome = 'written' | 'revoked' | 'superseded';

/** Months of compact badges kept on the profile behind the one being written; older ones are pruned. */
const PROFILE_MONTHS_KEPT = 3;


function encodeResult(badge: AwardedBadge | null, programs: ProgramResult[]): Uint8Array {
  // Deflated JSON: a month record fits in one 1 KB write unit instead of four (docs/scale.md).
  return deflateRawSync(JSON.stringify({ badge, programs }));
}

function decodeRecord(item: Record<string, unknown>): MonthRecord {
  const { badge, programs } = JSON.parse(inflateRawSync(item.result as Uint8Array).toString('utf8')) as {
    badge: AwardedBadge | null;
    programs: ProgramResult[];
  };
  // shopId, month and runId are not stored again: they are in the key and in runOrder (startedAt#runId).
  const runOrder = item.runOrder as string;
  return {
    shopId: (item.pk as string).slice('SHOP#'.length),
    market: item.market as Market,
    month: (item.sk as string).slice('MONTH#'.length),
    badge,
    programs,
    evaluatedAt: item.evaluatedAt as string,
    runId: runOrder.slice(runOrder.indexOf('#') + 1),
    revocation: (item.revocation as Revocation | undefined) ?? null,
  };
}

/**
 * Plain values as attribute values, as the DocumentClient marshals them (undefined left out). putMonth is
 * the monthly run's hot path (two writes per shop): low-level commands skip the DocumentClient's
 * marshalling middleware, about 0.1 ms of CPU per write (test/bench/evaluation.ts, docs/scale.md).
 */
export function attr(value: unknown): AttributeValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value instanceof Uint8Array) return { B: value };
  if (Array.isArray(value)) return { L: value.map(attr) };
  const map: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) map[k] = attr(v);
  return { M: map };
}

export function compactBadge(badge: AwardedBadge | null, runOrder: string): MonthBadge {
  if (!badge) return { program: null, runOrder };
  return { program: badge.program, label: badge.label, ...(badge.benefits ? { benefits: badge.benefits } : {}), runOrder };
}

export class BadgeRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes a month's evaluation and its compact copy on the profile, unless a newer run already did. With
   * `revocation` (the run saw a record that revokes the badge it awards) both are written revoked at once;
   * a revocation already made stays as it was (if_not_exists), like every other revocation.
   */
  async putMonth(record: Omit<MonthRecord, 'revocation'>, runOrder: string, revocation: Revocation | null = null): Promise<WriteOutcome> {
    const revoking = revocation ? ', revocation = if_not_exists(revocation, :rev)' : '';
    const revocationValue: Record<string, AttributeValue> = revocation ? { ':rev': attr(revocation) } : {};
    const result = encodeResult(record.badge, record.programs);
    const newer = 'attribute_not_exists(runOrder) OR runOrder <= :o';
    const writeRecord = (keepingRevocation: boolean) =>
      this.doc.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: shopPk(record.shopId) }, sk: { S: monthSk(record.month) } },
          UpdateExpression:
            // Nothing the key already says: the largest record must stay within one 1 KB write unit.
            `SET market = :m, outcome = :out, #result = :r, evaluatedAt = :at, runOrder = :o${revoking}`,
          // The run must know of a revocation made before this write (it stays, and the month shows no
          // badge): the first write requires none, so the usual write returns nothing; a record already
          // revoked fails it, comes back with the failure, and is written again keeping its revocation.
          ConditionExpression: keepingRevocation ? newer : `(${newer}) AND attribute_not_exists(revocation)`,
          ReturnValuesOnConditionCheckFailure: keepingRevocation ? 'NONE' : 'ALL_OLD',
          ExpressionAttributeNames: { '#result': 'result' },
          ExpressionAttributeValues: {
            ':m': { S: record.market },
            ':out': { S: record.badge ? 'awarded' : 'not-eligible' },
            ':r': { B: result },
            ':at': { S: record.evaluatedAt },
            ':o': { S: runOrder },
            ...revocationValue,
          },
        }),
      );
    try {
      let outcome: WriteOutcome = 'written';
      try {
        await writeRecord(false);
      } catch (error) {
        const old = isConditionFailure(error) ? (error as ConditionalCheckFailedException).Item : undefined;
        const olderRun = old?.runOrder?.S === undefined || old.runOrder.S <= runOrder;
        if (!old?.revocation || !olderRun) throw error;
        await writeRecord(true);
        outcome = 'revoked';
      }
      const names: Record<string, string> = { '#b': badgeAttr(record.month) };
      if (revocation) names['#r'] = revocationAttr(record.month);
      const removes: string[] = [];
      for (let back = PROFILE_MONTHS_KEPT; back < PROFILE_MONTHS_KEPT + 3; back++) {
        const old = addMonths(record.month, -back);
        names[`#ob${back}`] = badgeAttr(old);
        names[`#or${back}`] = revocationAttr(old);
        removes.push(`#ob${back}`, `#or${back}`);
      }
      await this.doc.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: shopPk(record.shopId) }, sk: { S: PROFILE_SK } },
          UpdateExpression: `SET #b = :b${revocation ? ', #r = if_not_exists(#r, :rev)' : ''} REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#b) OR #b.runOrder <= :o)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':b': attr(compactBadge(record.badge, runOrder)), ':o': { S: runOrder }, ...revocationValue },
        }),
      );
      return outcome;
    } catch (error) {
      if (isConditionFailure(error)) return 'superseded';
      throw error;
    }
  }

  async getMonth(shopId: string, month: BadgeMonth, consistent = false): Promise<MonthRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: shopPk(shopId), sk: monthSk(month) }, ConsistentRead: consistent }),
    );
    return out.Item ? decodeRecord(out.Item) : null;
  }

  /** Month records from `from` to `to` (both included), newest first. */
  async months(shopId: string, from: BadgeMonth, to: BadgeMonth): Promise<MonthRecord[]> {
    const records: MonthRecord[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': shopPk(shopId), ':a': monthSk(from), ':b': monthSk(to) },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) records.push(decodeRecord(item));
    return records;
  }

  /**
   * Revokes a month's badge: idempotent (a second revocation keeps the first one's time and reason).
   * The month record first, then the profile copy the lookup reads; a retry after a crash completes both.
   */
  async revoke(shopId: string, month: BadgeMonth, revocation: Revocation): Promise<Revocation> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: shopPk(shopId), sk: monthSk(month) },
        UpdateExpression: 'SET revocation = if_not_exists(revocation, :r)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':r': revocation },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const kept = (out.Attributes?.revocation as Revocation | undefined) ?? revocation;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: shopPk(shopId), sk: PROFILE_SK },
        UpdateExpression: 'SET #r = if_not_exists(#r, :r)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#r': revocationAttr(month) },
        ExpressionAttributeValues: { ':r': kept },
      }),
    );
    return kept;
  }
}
