/** Shop profiles, and the compact per-month badges kept on them for the lookup. */
import { GetCommand, paginateQuery, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BadgeMonth, Market } from '../domain/calendar';
import type { Benefit } from '../domain/evaluate';
import type { ShopProfile } from '../domain/rules';
import { batchGetAll } from './retry';
import { PROFILE_SK, shardOf, shardPk, shopPk } from './keys';
import { TABLE } from './table';

/** A month's badge as the lookup needs it; `program` null = evaluated, no badge. */
export interface MonthBadge {
  program: string | null;
  label?: string;
  benefits?: Benefit[];
  /** The run that wrote it (`startedAt#runId`): an older run never overwrites a newer one. */
  runOrder: string;
}

export interface Revocation {
  at: string;
  reason: string;
}

export interface ShopState {
  profile: ShopProfile;
  badges: Map<BadgeMonth, MonthBadge>;
  revocations: Map<BadgeMonth, Revocation>;
}

const PROFILE_FIELDS = ['shopId', 'market', 'name', 'onboardedAt', 'certifications'] as const;

export function toShopState(item: Record<string, unknown>): ShopState {
  const profile = {} as ShopProfile;
  for (const f of PROFILE_FIELDS) (profile as unknown as Record<string, unknown>)[f] = item[f];
  const badges = new Map<BadgeMonth, MonthBadge>();
  const revocations = new Map<BadgeMonth, Revocation>();
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('B#')) badges.set(name.slice(2), value as MonthBadge);
    else if (name.startsWith('R#')) revocations.set(name.slice(2), value as Revocation);
  }
  return { profile, badges, revocations };
}

export class ShopRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Replaces the profile's fields; the badges written by evaluations stay. */
  async putProfile(profile: ShopProfile): Promise<ShopProfile> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: shopPk(profile.shopId), sk: PROFILE_SK },
        // A replaced profile without a name loses the old one (REMOVE), as a PUT should.
        UpdateExpression:
          profile.name === undefined
            ? 'SET shopId = :id, market = :m, onboardedAt = :o, certifications = :c, gsi1pk = :g, gsi1sk = :id REMOVE #n'
            : 'SET shopId = :id, market = :m, #n = :n, onboardedAt = :o, certifications = :c, gsi1pk = :g, gsi1sk = :id',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: {
          ':id': profile.shopId,
          ':m': profile.market,
          ...(profile.name === undefined ? {} : { ':n': profile.name }),
          ':o': profile.onboardedAt,
          ':c': profile.certifications,
          ':g': shardPk(profile.market, shardOf(profile.shopId)),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toShopState(out.Attributes ?? {}).profile;
  }

  async get(shopId: string, consistent = false): Promise<ShopState | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: shopPk(shopId), sk: PROFILE_SK }, ConsistentRead: consistent }),
    );
    return out.Item ? toShopState(out.Item) : null;
  }

  /** Many shops in BatchGetItem calls of 100 keys; unknown shops are absent from the map. */
  async getMany(shopIds: readonly string[]): Promise<Map<string, ShopState>> {
    const unique = [...new Set(shopIds)];
    const items = await batchGetAll(
      this.doc,
      this.table,
      unique.map((id) => ({ pk: shopPk(id), sk: PROFILE_SK })),
    );
    const out = new Map<string, ShopState>();
    for (const item of items) {
      const state = toShopState(item);
      out.set(state.profile.shopId, state);
    }
    return out;
  }

  /** The profiles of one shard of a market (one GSI partition), page by page. */
  async *listShard(market: Market, shard: number): AsyncGenerator<ShopProfile[]> {
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        IndexName: TABLE.indexes[0].name,
        KeyConditionExpression: 'gsi1pk = :g',
        ExpressionAttributeValues: { ':g': shardPk(market, shard) },
      },
    );
    for await (const page of pages) {
      const profiles = (page.Items ?? []).map((item) => toShopState(item).profile);
      if (profiles.length > 0) yield profiles;
    }
  }
}
