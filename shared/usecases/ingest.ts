/**
 * Data in: shop profiles, and daily metrics with partial acceptance. Ingest never evaluates a month; it
 * only revokes a held badge at once when a record meets the badge program's revocation conditions.
 */
import { localDate as localDateAt, timeZoneOf } from '../domain/calendar';
import type { DailyRecord } from '../domain/metrics';
import { revocationDecision } from '../domain/revocation';
import type { ShopProfile } from '../domain/rules';
import { issueDetails, type ErrorDetail } from '../errors';
import { dailyRecord } from '../domain/daily-record';
import { badgeAt } from './lookup';
import type { Services } from './services';

export interface RejectedRecord {
  index: number;
  shopId: string | null;
  errors: ErrorDetail[];
}

export interface IngestResult {
  accepted: number;
  rejected: RejectedRecord[];
}

export async function putShop(svc: Services, shopId: string, body: Omit<ShopProfile, 'shopId'>): Promise<ShopProfile> {
  return svc.shops.putProfile({ shopId, ...body });
}

export async function ingestMetrics(svc: Services, records: readonly unknown[]): Promise<IngestResult> {
  const rejected: RejectedRecord[] = [];
  const valid: { index: number; record: DailyRecord }[] = [];
  records.forEach((raw, index) => {
    const parsed = dailyRecord.safeParse(raw);
    if (parsed.success) valid.push({ index, record: parsed.data as DailyRecord });
    else {
      const id = (raw as { shopId?: unknown } | null)?.shopId;
      rejected.push({ index, shopId: typeof id === 'string' ? id : null, errors: issueDetails(parsed.error.issues) });
    }
  });

  const states = await svc.shops.getMany(valid.map((v) => v.record.shopId));
  const now = svc.clock();
  const accepted: DailyRecord[] = [];
  for (const { index, record } of valid) {
    const state = states.get(record.shopId);
    if (!state) {
      rejected.push({
        index,
        shopId: record.shopId,
        errors: [{ path: 'shopId', message: `shop ${record.shopId} has no profile: create it with PUT /v1/shops/${record.shopId} first` }],
      });
      continue;
    }
    const today = localDateAt(now, timeZoneOf(state.profile.market));
    if (record.date > today) {
      rejected.push({
        index,
        shopId: record.shopId,
        errors: [{ path: 'date', message: `${record.date} is after today (${today}) in market ${state.profile.market}` }],
      });
      continue;
    }
    accepted.push(record);
  }
  rejected.sort((a, b) => a.index - b.index);
  if (accepted.length > 0) await svc.metrics.putDays(accepted);

  for (const record of accepted) {
    const state = states.get(record.shopId)!;
    const held = badgeAt(state, now);
    if (!held) continue;
    const decision = revocationDecision({ program: held.program, month: held.month }, record, svc.catalog, state.profile.market);
    if (!decision.revoke) continue;
    const kept = await svc.badges.revoke(record.shopId, held.month, { at: now.toISOString(), reason: decision.reason });
    state.revocations.set(held.month, kept);
  }
  return { accepted: accepted.length, rejected };
}
