/**
 * The monthly-run benchmark on DynamoDB Local (the official engine, in memory): how fast the real worker
 * evaluates a month for N shops (default 10,000, 30 daily records each), against a floor that does the same
 * DynamoDB work with bare SDK calls and no code of ours around it.
 *
 * - Load (timed, reported): profiles as BatchWriteItem puts of the item putProfile writes (GSI keys
 *   included), daily records through MetricsRepository.putDays (BatchWriteItem, 25 a call), 32 calls in
 *   flight. Not through the HTTP validation: that is not what is measured here.
 * - Warm-up (untimed): ours and the floor once over a few hundred shops on a separate table, so neither
 *   timed pass pays for the JIT of the JVM or of V8.
 * - Ours: startRun (run record + one segment message per market shard) with the real worker handler
 *   (functions/worker/handler.ts) behind LocalSegmentQueue at concurrency C, timed until the queue is idle.
 *   Checks: every run succeeded, evaluated == N in total, no failures, the awards match the engine's.
 * - Floor: for every segment of the same markets, C segments at once and 16 shops at once per segment as
 *   in processSegment, the identical DynamoDB requests on the low-level DynamoDBClient (pre-marshalled
 *   AttributeValues, so not even DocumentClient marshalling): GetItem RUN and GetItem of the segment's done
 *   mark (consistent, side by side), Query of the GSI byShard partition, then per shop the same Query of its
 *   days (same key condition: through the revocation window's end) and the same two
 *   conditional UpdateItems (same expressions and attribute names, the same item values: the deflated result
 *   and the compact badge, computed before timing; UpdateItem, not BatchWriteItem), then the
 *   TransactWriteItems marking the segment done and the second GetItem RUN.
 * - Order: market group by market group (a production run is per market), ours and the floor back to back,
 *   ABBA (see GROUPS), so the slower first pass over a group and the load of other processes fall on both.
 * - Engine share: aggregate + evaluateShop timed on the same shops in process (after one untimed pass),
 *   divided by our run's wall time: the fraction of the run the one JavaScript thread spent in the engine.
 *   The deflate of the result is timed the same way (`encodeShare`).
 * - CPU: Node's process.cpuUsage and DynamoDB Local's (the java child's /proc stat) per phase. On 2 cores
 *   both share the machine; Node's CPU per shop is the per-shop cost basis for Lambda (docs/scale.md).
 *
 * Item sizes follow DynamoDB's sizing rules (attribute names + values; numbers about 1 byte per 2 digits)
 * and give the capacity units per shop that docs/scale.md prices.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { deflateRawSync } from 'node:zlib';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type GetItemCommandInput,
  type QueryCommandInput,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addMonths, assessmentPeriod, dateOfDayNumber, dayNumber, type BadgeMonth, type LocalDate, type Market } from '../../shared/domain/calendar';
import { evaluateShop, type ShopEvaluation } from '../../shared/domain/evaluate';
import { aggregate, type DailyRecord, type ShopStatus } from '../../shared/domain/metrics';
import { RulesCache, type Certification, type ShopProfile } from '../../shared/domain/rules';
import { logger } from '../../shared/observability/logger';
import { loadCatalog } from '../../shared/programs';
import { useServices } from '../../shared/runtime';
import { attr, compactBadge } from '../../shared/store/badges';
import { createDocumentClient } from '../../shared/store/client';
import { badgeAttr, daySk, monthSk, PROFILE_SK, revocationAttr, RUN_SK, runPk, segmentSk, shardOf, shardPk, shopPk } from '../../shared/store/keys';
import { batchWriteAll, mapLimited } from '../../shared/store/retry';
import type { Run } from '../../shared/store/runs';
import { TABLE } from '../../shared/store/table';
import { revocationWatchEnd, segmentsOf, startRun } from '../../shared/usecases/evaluation';
import type { SegmentMessage, Services } from '../../shared/usecases/services';
import { LocalSegmentQueue } from '../../functions/local/queue';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb, testClock, testServices, type TestDb } from '../support/harness';
import { Draw, prng } from '../../functions/local/prng';
import type { Section } from './run';
import { byTier, ORDER_VALUE, TIER_WEIGHTS } from './synthetic';
import { r3 } from './stats';

export interface BenchEvaluationOptions {
  /** Shops loaded and evaluated (10,000). */
  shops?: number;
  /** Segments processed at once, by our worker and by the floor alike (4). */
  concurrency?: number;
  /** Shops of the untimed warm-up run on a separate table (300). */
  warmupShops?: number;
  /** Write V8 CPU profiles of the timed passes here (one .cpuprofile per pass). */
  cpuProfileDir?: string;
  seed?: number;
  log?: (line: string) => void;
}

export const MONTH: BadgeMonth = '2026-11';
/** After the period's end (2026-10-25) in every market, before any run wrote the month. */
export const CLOCK = '2026-11-01T08:00:00.000Z';
/** The floor's runOrder is older than ours (`${CLOCK}#<uuid>`) when it goes first, newer when it goes second. */
/** Older than every timed pass, so the timed writes all pass their run-order condition. */
const PREFILL_RUN_ORDER = '2026-11-01T07:00:00.000Z#floor-prefill';
const FLOOR_RUN_ORDER = { before: '2026-11-01T07:59:00.000Z#floor', after: '2026-11-01T08:01:00.000Z#floor' };
/** As in shared/usecases/evaluation.ts and shared/store/badges.ts. */
const SHOP_CONCURRENCY = 16;
const PROFILE_MONTHS_KEPT = 3;
const DAYS = 30;

/** Mostly TH, MY and US, some shops in the other markets with programs. */
const MARKET_MIX: [Market, number][] = [
  ['TH', 0.3],
  ['MY', 0.2],
  ['US', 0.3],
  ['VN', 0.05],
  ['PH', 0.05],
  ['SG', 0.05],
  ['ID', 0.05],
];
/**
 * The timed passes go market group by market group (a production run is per market), ours and the floor
 * back to back, in the order ABBA: whichever goes first on a group also creates its month records (on
 * DynamoDB Local an insert is slower than the update the second pass does) and meets any load from other
 * processes first. The mix above gives both orders the same number of shops (30% + 20% each).
 */
const GROUPS: { markets: Market[]; oursFirst: boolean }[] = [
  { markets: ['TH'], oursFirst: true },
  { markets: ['US'], oursFirst: false },
  { markets: ['MY'], oursFirst: false },
  { markets: ['VN', 'PH', 'SG', 'ID'], oursFirst: true },
];
/** The untimed warm-up run's markets (128 segments). */
const WARMUP_MARKETS: Market[] = ['TH', 'US'];

// ---------------------------------------------------------------------------------------------
// Deterministic shops (seeded PRNG; the same seed and N give the same data, hence the same results)
// ---------------------------------------------------------------------------------------------

interface BenchShop {
  profile: ShopProfile;
  records: DailyRecord[];
}

function certs(d: Draw, market: Market): Certification[] {
  const since = (): LocalDate => dateOfDayNumber(dayNumber('2026-11-01') - d.int(-20, 900));
  const out: Certification[] = [];
  if (market !== 'US') {
    if (d.chance(0.08)) out.push({ type: 'mall', since: since() });
    return out;
  }
  if (d.chance(0.06)) out.push({ type: 'official-shop', since: since() });
  if (d.chance(0.08)) out.push({ type: 'authorized-seller', since: since(), ...(d.chance(0.1) ? { until: '2026-08-01' } : {}) });
  if (d.chance(0.04)) out.push({ type: 'top-brand', since: since() });
  return out;
}

export function benchShops(count: number, seed: number): BenchShop[] {
  const d = new Draw(prng(seed));
  const from = assessmentPeriod(MONTH, 'GB').from;
  const dates = Array.from({ length: DAYS }, (_, i) => dateOfDayNumber(dayNumber(from) + i));
  const shops: BenchShop[] = [];
  for (let i = 0; i < count; i++) {
    const market = d.pick(MARKET_MIX);
    const shopId = `${market.toLowerCase()}-${String(i).padStart(7, '0')}`;
    const tier = d.pick(TIER_WEIGHTS);
    const by = byTier(d, tier);
    const dailyOrders = Math.exp(1.6 + (tier === 'strong' ? 0.6 : tier === 'new' ? -1.5 : 0) + 0.9 * d.normal());
    const sfCancel = by([0, 0.015], [0.022, 0.038], [0.03, 0.1]);
    const late = by([0, 0.015], [0.022, 0.038], [0.03, 0.12]);
    const sfReturn = by([0, 0.005], [0.007, 0.013], [0.01, 0.03]);
    const chatReply = by([0.9, 1], [0.82, 0.9], [0.5, 0.88]);
    const negative = by([0, 0.003], [0.003, 0.006], [0.004, 0.02]);
    const positive = by([0.85, 1], [0.76, 0.84], [0.5, 0.85]);
    const shopRating = d.round(by([4.4, 5], [4.1, 4.4], [3, 4.3]), 1);
    const sps = d.round(by([4.5, 5], [3.4, 4.6], [2.5, 4.2]), 2);
    const violationPoints = Math.floor(by([0, 4], [9, 14], [0, 24]));
    const roll = d.uniform();
    const status: ShopStatus = roll < 0.95 ? 'active' : roll < 0.97 ? 'inactive' : roll < 0.99 ? 'suspended' : 'closed';
    const reputationPoints = Math.round(Math.exp(8 + 1.3 * d.normal()));
    const fraudDay = d.chance(0.01) ? d.int(0, DAYS - 1) : -1;
    const reportChance = tier === 'new' ? 0.15 : 0.9;
    const us = market === 'US';
    const records: DailyRecord[] = [];
    for (let day = 0; day < DAYS; day++) {
      const ordersPlaced = Math.max(0, Math.round(dailyOrders * d.uniform(0.5, 1.5)));
      const sellerFaultCancellations = d.binomial(ordersPlaced, sfCancel);
      const ordersCancelled = sellerFaultCancellations + d.binomial(ordersPlaced - sellerFaultCancellations, 0.015);
      const ordersShipped = ordersPlaced - ordersCancelled;
      const sellerFaultReturns = d.binomial(ordersShipped, sfReturn);
      const ordersReturned = sellerFaultReturns + d.binomial(ordersShipped - sellerFaultReturns, 0.01);
      const chatsReceived = Math.round(ordersPlaced * 0.8);
      const reviews = d.binomial(ordersShipped, 0.4);
      const productRatings = d.binomial(ordersShipped, 0.4);
      const r: DailyRecord = {
        shopId,
        date: dates[day] as LocalDate,
        ordersPlaced,
        ordersCancelled,
        sellerFaultCancellations,
        ordersShipped,
        lateDispatches: d.binomial(ordersShipped, late),
        ordersReturned,
        ordersRefunded: d.binomial(ordersShipped - ordersReturned, 0.005),
        sellerFaultReturns,
        gmv: Math.round(ordersPlaced * ORDER_VALUE[market] * d.uniform(0.6, 1.4)),
        chatsReceived,
        chatsAnsweredWithin24h: d.binomial(chatsReceived, chatReply),
        reviews,
        negativeReviews: d.binomial(reviews, negative * 3),
        productRatings,
        positiveProductRatings: d.binomial(productRatings, positive),
      };
      if (d.chance(reportChance)) {
        r.uniqueBuyers30d = Math.round(dailyOrders * 30 * d.uniform(0.08, 0.2));
        r.shopRating = shopRating;
        r.violationPoints = violationPoints;
        r.status = status;
        r.fraudViolations = day === fraudDay ? 1 : 0;
        r.counterfeitViolations = 0;
        if (us) {
          r.shopPerformanceScore = sps;
          r.reputationPoints = reputationPoints;
          r.probationGraduated = true;
          r.hasLogo = true;
          r.sellableProducts = 40;
          r.freeShippingShare = 0.8;
          r.returnWindowDays = 30;
        }
      }
      records.push(r);
    }
    shops.push({
      profile: { shopId, market, name: `Shop ${shopId}`, onboardedAt: dateOfDayNumber(dayNumber('2022-01-01') + d.int(0, 1200)), certifications: certs(d, market) },
      records,
    });
  }
  return shops;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** DynamoDB item size: names + values (numbers: about 1 byte per 2 significant digits + 1; maps/lists: 3 + 1 per element). */
function sizeOf(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/^0\.|\.|e.*$/g, '').replace(/^0+/, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + sizeOf(v), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((s, [k, v]) => s + 1 + Buffer.byteLength(k) + sizeOf(v), 0);
}
function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k) + sizeOf(v), 0);
}

/** The java process of DynamoDB Local (behind the launcher's sh watchdog, so not a child of this process). */
let javaPid: number | undefined;

/** CPU seconds (user + system) of DynamoDB Local's java process, 0 before it runs. */
function javaCpuSeconds(): number {
  if (javaPid === undefined) return 0;
  const stat = readFileSync(`/proc/${javaPid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ
}

interface Meter {
  stop: () => { seconds: number; nodeCpu: number; javaCpu: number };
}
function meter(): Meter {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const java0 = javaCpuSeconds();
  return {
    stop: () => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      return { seconds, nodeCpu: (cpu.user + cpu.system) / 1e6, javaCpu: javaCpuSeconds() - java0 };
    },
  };
}


// ---------------------------------------------------------------------------------------------
// The floor
// ---------------------------------------------------------------------------------------------

interface FloorShop {
  query: QueryCommandInput;
  month: UpdateItemCommandInput;
  profile: UpdateItemCommandInput;
}

/** The per-shop requests of badges.putMonth and metrics.days, built from the precomputed evaluation. */
function floorShop(table: string, shop: BenchShop, encoded: Uint8Array, badge: ReturnType<typeof compactBadge>, runOrder: string): FloorShop {
  const { shopId, market } = shop.profile;
  const period = assessmentPeriod(MONTH, market);
  // As processSegment: one Query through the later of the period's end and the revocation window's end.
  const watchUntil = revocationWatchEnd(MONTH, market, new Date(CLOCK));
  const queryTo = watchUntil > period.to ? watchUntil : period.to;
  const names: Record<string, string> = { '#b': badgeAttr(MONTH) };
  const removes: string[] = [];
  for (let back = PROFILE_MONTHS_KEPT; back < PROFILE_MONTHS_KEPT + 3; back++) {
    const old = addMonths(MONTH, -back);
    names[`#ob${back}`] = badgeAttr(old);
    names[`#or${back}`] = revocationAttr(old);
    removes.push(`#ob${back}`, `#or${back}`);
  }
  return {
    query: {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
      ExpressionAttributeValues: { ':pk': attr(shopPk(shopId)), ':a': attr(daySk(period.from)), ':b': attr(daySk(queryTo)) },
    },
    month: {
      TableName: table,
      Key: { pk: attr(shopPk(shopId)), sk: attr(monthSk(MONTH)) },
      UpdateExpression: 'SET market = :m, outcome = :out, #result = :r, evaluatedAt = :at, runOrder = :o',
      ConditionExpression: '(attribute_not_exists(runOrder) OR runOrder <= :o) AND attribute_not_exists(revocation)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeNames: { '#result': 'result' },
      ExpressionAttributeValues: {
        ':m': attr(market),
        ':out': attr(badge.program ? 'awarded' : 'not-eligible'),
        ':r': attr(encoded),
        ':at': attr(CLOCK),
        ':o': attr(runOrder),
      },
    },
    profile: {
      TableName: table,
      Key: { pk: attr(shopPk(shopId)), sk: attr(PROFILE_SK) },
      UpdateExpression: `SET #b = :b REMOVE ${removes.join(', ')}`,
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#b) OR #b.runOrder <= :o)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':b': attr(badge), ':o': attr(runOrder) },
    },
  };
}

async function floorPass(raw: DynamoDBClient, table: string, segments: SegmentMessage[], shops: Map<string, FloorShop>, runId: string, concurrency: number): Promise<number> {
  let done = 0;
  const runKey: GetItemCommandInput = { TableName: table, Key: { pk: attr(runPk(runId)), sk: attr(RUN_SK) }, ConsistentRead: true };
  await mapLimited(segments, concurrency, async (seg) => {
    // As processSegment: the run and the segment's done mark, read side by side.
    const segKey: GetItemCommandInput = { TableName: table, Key: { pk: attr(runPk(runId)), sk: attr(segmentSk(seg.market, seg.shard)) }, ConsistentRead: true, ProjectionExpression: 'sk' };
    await Promise.all([raw.send(new GetItemCommand(runKey)), raw.send(new GetItemCommand(segKey))]);
    let evaluated = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await raw.send(
        new QueryCommand({
          TableName: table,
          IndexName: TABLE.indexes[0].name,
          KeyConditionExpression: 'gsi1pk = :g',
          ExpressionAttributeValues: { ':g': attr(shardPk(seg.market, seg.shard)) },
          ExclusiveStartKey: startKey,
        }),
      );
      await mapLimited(page.Items ?? [], SHOP_CONCURRENCY, async (item) => {
        const f = shops.get(item.shopId?.S as string);
        if (!f) throw new Error(`floor: no requests for ${JSON.stringify(item.shopId)}`);
        await raw.send(new QueryCommand(f.query));
        await raw.send(new UpdateItemCommand(f.month));
        await raw.send(new UpdateItemCommand(f.profile));
        evaluated++;
      });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    await raw.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { pk: attr(runPk(runId)), sk: attr(segmentSk(seg.market, seg.shard)), evaluated: attr(evaluated), awarded: attr(0), failed: attr(0) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: attr(runPk(runId)), sk: attr(RUN_SK) },
              UpdateExpression: 'ADD segmentsDone :one, evaluated :e, awarded :a, failed :f',
              ExpressionAttributeValues: { ':one': attr(1), ':e': attr(evaluated), ':a': attr(0), ':f': attr(0) },
            },
          },
        ],
      }),
    );
    await raw.send(new GetItemCommand(runKey));
    done += evaluated;
  });
  return done;
}


/** V8 CPU profiles of the timed passes (opts.cpuProfileDir), one .cpuprofile file per pass. */
async function cpuProfiler(dir: string) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  mkdirSync(dir, { recursive: true });
  return {
    start: () => post('Profiler.start'),
    stop: async (name: string) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    },
    close: async () => {
      await post('Profiler.disable');
      session.disconnect();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The benchmark
// ---------------------------------------------------------------------------------------------

/**
 * Profiles and daily records, many calls in flight. Profiles as BatchWriteItem puts of the item
 * ShopRepository.putProfile writes for a new shop (its GSI keys included); days through putDays.
 */
async function load(svc: Services, doc: DynamoDBDocumentClient, table: string, shops: readonly BenchShop[]) {
  const timer = meter();
  const profiles = shops.map((s) => ({
    PutRequest: {
      Item: { pk: shopPk(s.profile.shopId), sk: PROFILE_SK, ...s.profile, gsi1pk: shardPk(s.profile.market, shardOf(s.profile.shopId)), gsi1sk: s.profile.shopId },
    },
  }));
  const profileChunks: (typeof profiles)[] = [];
  for (let i = 0; i < profiles.length; i += 25) profileChunks.push(profiles.slice(i, i + 25));
  await mapLimited(profileChunks, 32, async (chunk) => {
    await batchWriteAll(doc, table, chunk);
  });
  const profileSeconds = timer.stop().seconds;
  const chunks: DailyRecord[][] = [];
  for (const s of shops) for (let i = 0; i < s.records.length; i += 25) chunks.push(s.records.slice(i, i + 25));
  await mapLimited(chunks, 32, async (chunk) => {
    await svc.metrics.putDays(chunk);
  });
  const check = await svc.shops.get(shops[shops.length - 1]!.profile.shopId, true);
  if (!check || check.profile.market !== shops[shops.length - 1]!.profile.market) throw new Error('load: profile not readable through ShopRepository');
  return { seconds: timer.stop().seconds, profileSeconds, items: shops.reduce((a, s) => a + 1 + s.records.length, 0) };
}

/**
 * Services over `table` whose queue is a LocalSegmentQueue running the real worker handler at
 * `concurrency`, counting dead letters (the evaluation and simulation sections run their months on it).
 */
export async function workerQueue(db: TestDb, table: string, doc: DynamoDBDocumentClient, concurrency: number) {
  let deadLetters = 0;
  // The worker handler builds its services on import unless some are installed: install ours first.
  const svc = testServices(db, table, { clock: testClock(CLOCK), doc, queue: { send: (m) => queue.send(m) } });
  useServices(svc);
  const { handler } = await import('../../functions/worker/handler');
  const queue: LocalSegmentQueue = new LocalSegmentQueue(handler, {
    concurrency,
    deadLetter: async () => {
      deadLetters++;
    },
  });
  return { svc, queue, deadLetters: () => deadLetters };
}

/** Our monthly run: startRun, the real worker handler behind LocalSegmentQueue at `concurrency`, until idle. */
async function oursPass(db: TestDb, table: string, doc: DynamoDBDocumentClient, markets: Market[], concurrency: number, expect: { shops: number; awarded: number }) {
  const { svc, queue, deadLetters } = await workerQueue(db, table, doc, concurrency);
  const timer = meter();
  const started = await startRun(svc, { month: MONTH, markets });
  await queue.idle();
  const m = timer.stop();
  const run = await svc.runs.get(started.runId);
  if (!run || run.state !== 'succeeded' || run.shops.evaluated !== expect.shops || run.shops.failed !== 0 || deadLetters() > 0) {
    throw new Error(`the run did not succeed for all ${expect.shops} shops: ${JSON.stringify(run)} (dead letters: ${deadLetters()})`);
  }
  if (run.shops.awarded !== expect.awarded) throw new Error(`the run awarded ${run.shops.awarded} badges, the engine ${expect.awarded}`);
  return { ...m, run };
}

export async function benchEvaluation(opts: BenchEvaluationOptions = {}): Promise<Record<string, unknown>> {
  const n = opts.shops ?? 10_000;
  const concurrency = opts.concurrency ?? 4;
  const seed = opts.seed ?? 20261101;
  const warmupShops = Math.min(n, opts.warmupShops ?? 300);
  const log = opts.log ?? (() => {});

  const gen = meter();
  const shops = benchShops(n, seed);
  const markets = MARKET_MIX.map(([m]) => m).filter((m) => shops.some((s) => s.profile.market === m));
  const byMarket: Record<string, number> = {};
  for (const s of shops) byMarket[s.profile.market] = (byMarket[s.profile.market] ?? 0) + 1;
  log(`generated ${n} shops x ${DAYS} days (${JSON.stringify(byMarket)}) in ${gen.stop().seconds.toFixed(1)} s`);

  // Untimed: each shop's evaluation (the floor writes its items); then the engine and the encoding timed alone.
  const rules = new RulesCache(loadCatalog());
  const periods = new Map(markets.map((m) => [m, assessmentPeriod(MONTH, m)]));
  const engineAll = () => shops.map((s) => evaluateShop(s.profile, aggregate(s.records, periods.get(s.profile.market)!), rules.get(s.profile.market, MONTH)));
  const evaluations = engineAll();
  const awarded = evaluations.filter((e) => e.badge !== null).length;
  const engineTimer = meter();
  const again = engineAll();
  const engineSeconds = engineTimer.stop().seconds;
  if (again.filter((e) => e.badge !== null).length !== awarded) throw new Error('engine pass disagrees with the first pass');
  const encodeTimer = meter();
  const encoded = evaluations.map((e) => deflateRawSync(JSON.stringify({ badge: e.badge, programs: e.programs })));
  const encodeSeconds = encodeTimer.stop().seconds;
  const indexesIn = (group: readonly Market[]) => shops.flatMap((s, i) => (group.includes(s.profile.market) ? [i] : []));
  const floorInputs = (table: string, runOrder: string, runId: string, indexes: readonly number[]) =>
    new Map(
      indexes.map((i) => {
        const s = shops[i]!;
        return [s.profile.shopId, floorShop(table, s, encoded[i] as Uint8Array, compactBadge(evaluations[i]!.badge, runOrder), runOrder)];
      }),
    );
  const awardedOf = (indexes: readonly number[]) => indexes.filter((i) => evaluations[i]!.badge !== null).length;
  const sizes = capacityPerShop(shops, evaluations, encoded);

  const db = await startTestDb();
  javaPid = db.pid;
  // One client pair for ours and the floor, with enough sockets for C x 16 requests in flight.
  const clientConfig = { ...localClientConfig(db.endpoint), requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 512 }) } };
  const doc = createDocumentClient(clientConfig);
  const raw = new DynamoDBClient(clientConfig);
  const previousLevel = logger.getLevelName();
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  try {
    logger.setLogLevel('WARN');
    const table = await db.table();
    const loaded = await load(testServices(db, table, { doc }), doc, table, shops);
    log(
      `load: ${loaded.items.toLocaleString('en-US')} items (${n} profiles in ${loaded.profileSeconds.toFixed(1)} s, ` +
        `${(n * DAYS).toLocaleString('en-US')} days via putDays) in ${loaded.seconds.toFixed(1)} s = ${Math.round(loaded.items / loaded.seconds)} items/s`,
    );

    // Warm-up (untimed) of both paths on a separate table with a few shops: JIT of the JVM and of V8.
    const warmTable = await db.table();
    const warmIndexes = indexesIn(WARMUP_MARKETS).slice(0, warmupShops);
    await load(testServices(db, warmTable, { doc }), doc, warmTable, warmIndexes.map((i) => shops[i]!));
    const warm = meter();
    await oursPass(db, warmTable, doc, WARMUP_MARKETS, concurrency, { shops: warmIndexes.length, awarded: awardedOf(warmIndexes) });
    const warmSegments = segmentsOf({ runId: 'warm', month: MONTH, markets: WARMUP_MARKETS, dryRun: false, startedAt: CLOCK });
    const warmFloorDone = await floorPass(raw, warmTable, warmSegments, floorInputs(warmTable, FLOOR_RUN_ORDER.after, 'floor-warm', warmIndexes), 'floor-warm', concurrency);
    if (warmFloorDone !== warmIndexes.length) throw new Error(`floor warm-up did ${warmFloorDone} shops of ${warmIndexes.length}`);
    log(`warm-up: ours + floor over ${warmIndexes.length} shops of ${WARMUP_MARKETS.join(', ')} on a separate table in ${warm.stop().seconds.toFixed(1)} s`);

    const ours = { seconds: 0, nodeCpu: 0, javaCpu: 0 };
    const floor = { seconds: 0, nodeCpu: 0, javaCpu: 0 };
    const add = (to: typeof ours, m: { seconds: number; nodeCpu: number; javaCpu: number }) => {
      to.seconds += m.seconds;
      to.nodeCpu += m.nodeCpu;
      to.javaCpu += m.javaCpu;
    };
    const runs: Run[] = [];
    const byGroup: Record<string, { shops: number; ours: number; floor: number; oursFirst: boolean }> = {};
    // Untimed: create every month record first, so both timed passes rewrite existing items. On DynamoDB
    // Local the first write of an item costs far more than a rewrite, which favoured whichever went second.
    for (const { markets: group } of GROUPS) {
      const indexes = indexesIn(group);
      if (indexes.length === 0) continue;
      const segments = segmentsOf({ runId: 'prefill', month: MONTH, markets: group, dryRun: false, startedAt: CLOCK });
      const runId = `floor-prefill-${group.join('')}`;
      await floorPass(raw, table, segments, floorInputs(table, PREFILL_RUN_ORDER, runId, indexes), runId, concurrency);
    }
    log(`  month records created untimed for all ${n} shops`);
    const profiler = opts.cpuProfileDir ? await cpuProfiler(opts.cpuProfileDir) : null;
    for (const { markets: group, oursFirst } of GROUPS) {
      const indexes = indexesIn(group);
      if (indexes.length === 0) continue;
      const groupShops = indexes.length;
      const doOurs = async () => {
        await profiler?.start();
        const m = await oursPass(db, table, doc, group, concurrency, { shops: groupShops, awarded: awardedOf(indexes) });
        await profiler?.stop(`ours-${group.join('')}`);
        add(ours, m);
        runs.push(m.run);
        return m.seconds;
      };
      const doFloor = async () => {
        const segments = segmentsOf({ runId: 'floor', month: MONTH, markets: group, dryRun: false, startedAt: CLOCK });
        const runId = `floor-${group.join('')}`;
        const inputs = floorInputs(table, oursFirst ? FLOOR_RUN_ORDER.after : FLOOR_RUN_ORDER.before, runId, indexes);
        await profiler?.start();
        const timer = meter();
        const done = await floorPass(raw, table, segments, inputs, runId, concurrency);
        const m = timer.stop();
        await profiler?.stop(`floor-${group.join('')}`);
        if (done !== groupShops) throw new Error(`floor pass over ${group.join(',')} did ${done} shops of ${groupShops}`);
        add(floor, m);
        return m.seconds;
      };
      const [a, b] = oursFirst ? [await doOurs(), await doFloor()] : [await doFloor(), await doOurs()];
      const [o, f] = oursFirst ? [a, b] : [b, a];
      byGroup[group.join('+')] = { shops: groupShops, ours: r3(o), floor: r3(f), oursFirst };
      log(`${group.join('+')}: ${groupShops} shops, ours ${o.toFixed(2)} s, floor ${f.toFixed(2)} s (${oursFirst ? 'ours first' : 'floor first'}), ratio ${(o / f).toFixed(3)}`);
    }
    await profiler?.close();
    const evaluated = runs.reduce((a, r) => a + r.shops.evaluated, 0);
    const awardedTotal = runs.reduce((a, r) => a + r.shops.awarded, 0);
    if (evaluated !== n) throw new Error(`the runs evaluated ${evaluated} shops of ${n}`);
    const last = shops[n - 1]!.profile;
    const lastRun = runs.find((r) => r.markets.includes(last.market))!;
    const sample = await testServices(db, table, { doc }).badges.getMonth(last.shopId, MONTH, true);
    if (!sample || (sample.runId !== lastRun.runId && !sample.runId.startsWith('floor'))) throw new Error('the run did not write the month record');
    log(`ours: ${n} shops in ${ours.seconds.toFixed(2)} s (${Math.round(n / ours.seconds)} shops/s); floor ${floor.seconds.toFixed(2)} s; ours / floor = ${(ours.seconds / floor.seconds).toFixed(3)}`);

    return {
      shops: n,
      shopsByMarket: byMarket,
      segments: runs.reduce((a, r) => a + r.segmentsTotal, 0),
      runs: runs.length,
      byGroup,
      concurrency,
      shopConcurrencyPerSegment: SHOP_CONCURRENCY,
      evaluated,
      awarded: awardedTotal,
      loadSeconds: r3(loaded.seconds),
      loadItemsPerSecond: Math.round(loaded.items / loaded.seconds),
      seconds: r3(ours.seconds),
      shopsPerSecond: Math.round(n / ours.seconds),
      floorSeconds: r3(floor.seconds),
      ratioVsFloor: r3(ours.seconds / floor.seconds),
      floorOverOurs: r3(floor.seconds / ours.seconds),
      engineSeconds: r3(engineSeconds),
      engineShare: r3(engineSeconds / ours.seconds),
      engineMicrosecondsPerShop: r3((engineSeconds / n) * 1e6),
      encodeShare: r3(encodeSeconds / ours.seconds),
      encodeMicrosecondsPerShop: r3((encodeSeconds / n) * 1e6),
      nodeCpuMillisecondsPerShop: r3((ours.nodeCpu / n) * 1e3),
      floorNodeCpuMillisecondsPerShop: r3((floor.nodeCpu / n) * 1e3),
      dynamoDbLocalCpuMillisecondsPerShop: r3((ours.javaCpu / n) * 1e3),
      floorDynamoDbLocalCpuMillisecondsPerShop: r3((floor.javaCpu / n) * 1e3),
      loadAverage: `${load0} -> ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
      ...sizes,
    };
  } finally {
    logger.setLogLevel(previousLevel);
    raw.destroy();
    doc.destroy();
    await db.stop();
  }
}

/** Item sizes (DynamoDB's sizing rules) and capacity units per shop, averaged over the shops. */
function capacityPerShop(shops: readonly BenchShop[], evaluations: readonly ShopEvaluation[], encoded: readonly Uint8Array[]) {
  const n = shops.length;
  const run = `${CLOCK}#00000000-0000-0000-0000-000000000000`;
  let dayBytes = 0;
  let queryRru = 0;
  let monthBytes = 0;
  let monthWru = 0;
  let profileWru = 0;
  let profileBytes = 0;
  let monthMax = 0;
  let profileMax = 0;
  let gsiBytes = 0;
  for (let i = 0; i < n; i++) {
    const s = shops[i]!;
    const shopDayBytes = s.records.reduce((a, r) => a + itemSize({ pk: shopPk(r.shopId), sk: daySk(r.date), ...r }), 0);
    dayBytes += shopDayBytes;
    queryRru += Math.ceil(shopDayBytes / 4096) * 0.5; // eventually consistent Query: 0.5 RRU per 4 KB read
    const e = evaluations[i]!;
    const month = itemSize({
      pk: shopPk(s.profile.shopId),
      sk: monthSk(MONTH),
      market: s.profile.market,
      outcome: e.badge ? 'awarded' : 'not-eligible',
      result: encoded[i],
      evaluatedAt: CLOCK,
      runOrder: run,
    });
    monthBytes += month;
    monthMax = Math.max(monthMax, month);
    monthWru += Math.ceil(month / 1024);
    // Steady state: the profile holds PROFILE_MONTHS_KEPT months of compact badges (UpdateItem bills the larger of before/after).
    const profile: Record<string, unknown> = {
      pk: shopPk(s.profile.shopId),
      sk: PROFILE_SK,
      ...s.profile,
      gsi1pk: shardPk(s.profile.market, shardOf(s.profile.shopId)),
      gsi1sk: s.profile.shopId,
    };
    // The byShard index item: its keys, the table's keys and the projected attributes.
    gsiBytes += itemSize({ pk: profile.pk, sk: profile.sk, gsi1pk: profile.gsi1pk, gsi1sk: profile.gsi1sk, ...s.profile });
    for (let back = 0; back < PROFILE_MONTHS_KEPT; back++) profile[badgeAttr(addMonths(MONTH, -back))] = compactBadge(e.badge, run);
    const bytes = itemSize(profile);
    profileMax = Math.max(profileMax, bytes);
    profileBytes += bytes;
    profileWru += Math.ceil(bytes / 1024);
  }
  return {
    dayItemBytes: Math.round(dayBytes / (n * DAYS)),
    daysQueryBytesPerShop: Math.round(dayBytes / n),
    daysQueryRruPerShop: r3(queryRru / n),
    monthItemBytes: Math.round(monthBytes / n),
    monthItemBytesMax: monthMax,
    monthItemWruPerShop: r3(monthWru / n),
    profileItemBytes: Math.round(profileBytes / n),
    profileItemBytesMax: profileMax,
    profileUpdateWruPerShop: r3(profileWru / n),
    // The GSI Query reads 1 MB pages: 0.5 RRU per 4 KB of index items, eventually consistent.
    gsiItemBytes: Math.round(gsiBytes / n),
    gsiRruPerShop: r3(gsiBytes / n / 4096 / 2),
  };
}

export const evaluationSection: Section = {
  name: 'evaluation',
  // --shops (a quick run) lowers N; the default stays 10,000 shops.
  run: async (ctx) => benchEvaluation({ log: ctx.log, shops: Math.min(ctx.shops ?? 10_000, 10_000) }),
  // ours / floor <= 1.2, written as a minimum of floor / ours (targets are minimums).
  targets: [{ metric: 'floorOverOurs', min: 0.83 }],
};
