/**
 * The public lookup benchmark on DynamoDB Local (the official engine, in memory): what the real lookup
 * handler adds to the one DynamoDB read it needs, what 100 shops cost against one, what its bundle and
 * cold start are, and how it holds up behind the local gateway under load.
 *
 * - Data: `shops` (1,000) profiles through putShop, and three months of records through
 *   BadgeRepository.putMonth (which writes the compact badges the lookup reads): most shops hold a badge
 *   (some with benefits), some none, some have no record for the current month (stale answers).
 * - Single lookups: the real handler (functions/lookup/handler.ts, services installed with useServices)
 *   called in process with HTTP API v2 events, one at a time, over a seeded sequence of `calls` (3,000)
 *   shop ids, after a warm-up. Against it, the floor: a bare handler doing one GetItem of the same profile
 *   item with a bare DynamoDBDocumentClient, over the same sequence. The two alternate call by call (the
 *   order flipped each time), so that pauses of a shared, busy machine hit both alike. Each call is timed
 *   on its own.
 * - Batch: GET /v1/badges with 100 distinct ids against a single lookup, alternating call by call; and the
 *   same for the floor (one BatchGetItem of the same 100 keys against one GetItem), which shows what the
 *   database itself charges for 100 items against one.
 * - Bundle and cold start: test/infra/bundle-sizes.ts and bundle-init.ts, measured before the database
 *   starts. `initVariants` shows the decision in infra/function-defaults.ts (BUNDLING_OVERRIDES): the
 *   shipped bundle, the whole SDK bundled, and the SDK left external (resolved from node_modules).
 * - Load: autocannon against the local gateway (functions/local/gateway.ts) on 127.0.0.1, `connections`
 *   (20) connections for `loadSeconds` (10) after a 2 s warm-up, GET /v1/shops/{id}/badge over varying
 *   ids; any non-2xx answer, timeout or socket error counts as an error.
 *
 * Correctness guard: every timed answer must be 200, and the badges seen must match the data loaded
 * (awarded, none, stale), so no shortcut can make the handler look fast.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import autocannon from 'autocannon';
import { createGateway, type HttpLambda } from '../../functions/local/gateway';
import { MARKET_CODES, type BadgeMonth } from '../../shared/domain/calendar';
import type { AwardedBadge } from '../../shared/domain/evaluate';
import { LOOKUP_API } from '../../shared/http/lookup-api';
import { errorBody, json } from '../../shared/http/response';
import { routeKey, type RouteDef } from '../../shared/http/routes';
import { useServices } from '../../shared/runtime';
import { PROFILE_SK, shopPk } from '../../shared/store/keys';
import { putShop } from '../../shared/usecases/ingest';
import { moduleInit } from '../infra/bundle-init';
import { bundleSize, bundleSizes } from '../infra/bundle-sizes';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb, testClock, testServices } from '../support/harness';
import { prng } from '../../functions/local/prng';
import type { Section } from './run';
import { r3 } from './stats';

export interface BenchLookupOptions {
  /** Shops loaded (1,000). */
  shops?: number;
  /** Timed single lookups, each for ours and for the floor (3,000). */
  calls?: number;
  /** Untimed calls of each before timing (500). */
  warmupCalls?: number;
  /** Timed batch calls of 100 ids (200). */
  batchCalls?: number;
  /** Load test: connections and seconds (20, 10). */
  connections?: number;
  loadSeconds?: number;
  /** Fresh processes per variant for the cold-start figure (7). */
  initRuns?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** 2026-11 in every market, and within 72 hours of October's end: shops without a November record show October's badge, stale. */
const CLOCK = '2026-11-02T06:00:00.000Z';
const MONTHS: BadgeMonth[] = ['2026-09', '2026-10', '2026-11'];
const RUN_ORDER = '2026-11-01T00:00:00.000Z#bench';
const TOP: AwardedBadge = { program: 'top-choice', label: 'TopChoice' };
const TOP_WITH_BENEFITS: AwardedBadge = {
  program: 'top-program',
  label: 'TOP Program',
  benefits: [{ kind: 'fee-discount', description: 'Commission fee discount', until: '2026-11-30' }],
};

type Kind = 'awarded' | 'benefits' | 'stale' | 'none';

/** Shop i's kind: 6 in 10 hold a badge, 1 a badge with benefits, 1 only last month's (stale), 2 none. */
const kindOf = (i: number): Kind => (['awarded', 'awarded', 'awarded', 'awarded', 'awarded', 'awarded', 'benefits', 'stale', 'none', 'none'] as const)[i % 10]!;
const shopIdOf = (i: number) => `bench-${String(i).padStart(5, '0')}`;

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function event(def: RouteDef, rawPath: string, params: { path?: Record<string, string>; query?: Record<string, string> }, n: number): APIGatewayProxyEventV2 {
  const key = routeKey(def);
  const rawQueryString = params.query ? new URLSearchParams(params.query).toString() : '';
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    headers: { host: '127.0.0.1', accept: 'application/json', 'user-agent': 'bench' },
    ...(params.query ? { queryStringParameters: params.query } : {}),
    ...(params.path ? { pathParameters: params.path } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: `bench-${n}`,
      routeKey: key,
      stage: '$default',
      time: CLOCK,
      timeEpoch: Date.parse(CLOCK),
    },
  };
}

const badgeEvent = (shopId: string, n: number) => event(LOOKUP_API.badge, `/v1/shops/${shopId}/badge`, { path: { shopId } }, n);
const batchEvent = (ids: string[], n: number) => event(LOOKUP_API.badges, '/v1/badges', { query: { shopIds: ids.join(',') } }, n);

const CONTEXT: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'seller-badges-lookup',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:seller-badges-lookup',
  memoryLimitInMB: '512',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/seller-badges-lookup',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}


/** One timed call; the answer must be a 200. */
async function timed(handler: Handler, e: APIGatewayProxyEventV2, into: number[]): Promise<APIGatewayProxyStructuredResultV2> {
  const start = performance.now();
  const out = await handler(e, CONTEXT);
  into.push(performance.now() - start);
  if (out.statusCode !== 200) throw new Error(`${e.routeKey} ${e.rawPath} answered ${out.statusCode}: ${out.body}`);
  return out;
}

export async function benchLookup(opts: BenchLookupOptions = {}): Promise<Record<string, unknown>> {
  const log = opts.log ?? (() => undefined);
  const shopCount = opts.shops ?? 1_000;
  const calls = opts.calls ?? 3_000;
  const warmupCalls = opts.warmupCalls ?? 500;
  const batchCalls = opts.batchCalls ?? 200;
  const connections = opts.connections ?? 20;
  const loadSeconds = opts.loadSeconds ?? 10;
  const random = prng(opts.seed ?? 20261115);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  // Bundle and cold start first, while no database competes for the cores.
  log('bundling lookup and timing its cold start (fresh node processes)...');
  const bundleBytes = await bundleSize('lookup');
  const init = await moduleInit(
    'lookup',
    [
      { label: 'shipped' },
      { label: 'sdk-bundled', options: { external: [] } },
      { label: 'sdk-external', options: { external: ['@aws-sdk/*', '@smithy/*'] } },
    ],
    opts.initRuns ?? 7,
  );
  const initOf = (label: string) => init.find((v) => v.label === label)!;
  const initVariants = Object.fromEntries(init.map((v) => [v.label, { bytes: v.bytes, initMs: v.medianMs, initCpuMs: v.medianCpuMs }]));
  log(`bundle ${bundleBytes} bytes, init ${initOf('shipped').medianMs} ms (${JSON.stringify(initVariants)})`);

  const db = await startTestDb();
  const bare = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(db.endpoint)));
  let lookup: Handler = async () => {
    throw new Error('lookup handler not loaded yet');
  };
  const server = createGateway({
    handlers: {
      lookup: (e, c) => lookup(e, c),
      seller: notServed,
      ingest: notServed,
      admin: notServed,
      web: notServed,
    },
  });
  try {
    const table = await db.table();
    const svc = testServices(db, table, { clock: testClock(CLOCK) });

    log(`loading ${shopCount} shops and ${MONTHS.length} months of badges...`);
    const loadStart = performance.now();
    const indexes = Array.from({ length: shopCount }, (_, i) => i);
    await inParallel(indexes, 32, async (i) => {
      const shopId = shopIdOf(i);
      const market = MARKET_CODES[i % MARKET_CODES.length]!;
      await putShop(svc, shopId, { market, name: `Bench shop ${i}`, onboardedAt: '2024-01-01', certifications: [] });
      const kind = kindOf(i);
      for (const month of MONTHS) {
        if (kind === 'stale' && month === '2026-11') continue;
        const badge = kind === 'none' ? null : kind === 'benefits' ? TOP_WITH_BENEFITS : TOP;
        await svc.badges.putMonth({ shopId, market, month, badge, programs: [], evaluatedAt: CLOCK, runId: 'bench' }, RUN_ORDER);
      }
    });
    const dataLoadSeconds = (performance.now() - loadStart) / 1000;

    useServices(svc);
    lookup = (await import('../../functions/lookup/handler')).handler as unknown as Handler;
    const getItem: Handler = async (e) => {
      const out = await bare.send(new GetCommand({ TableName: table, Key: { pk: shopPk(e.pathParameters!.shopId!), sk: PROFILE_SK } }));
      return json(200, { item: out.Item ?? null });
    };

    // The same seeded sequence of shop ids for ours and the floor.
    const sequence = Array.from({ length: warmupCalls + calls }, () => Math.floor(random() * shopCount));
    const events = sequence.map((i, n) => badgeEvent(shopIdOf(i), n));
    const warm = events.slice(0, warmupCalls);
    const measured = events.slice(warmupCalls);

    log(`warming up (${warmupCalls} calls each)...`);
    const discard: number[] = [];
    for (const e of warm) {
      await timed(lookup, e, discard);
      await timed(getItem, e, discard);
    }

    log(`timing ${calls} single lookups against ${calls} bare GetItems (alternating call by call)...`);
    const ours: number[] = [];
    const floor: number[] = [];
    const seen: Record<Kind, { shops: number; badges: number; stale: number; benefits: number }> = {
      awarded: { shops: 0, badges: 0, stale: 0, benefits: 0 },
      benefits: { shops: 0, badges: 0, stale: 0, benefits: 0 },
      stale: { shops: 0, badges: 0, stale: 0, benefits: 0 },
      none: { shops: 0, badges: 0, stale: 0, benefits: 0 },
    };
    const runOurs = async (k: number) => {
      const out = await timed(lookup, measured[k]!, ours);
      const { badge } = JSON.parse(out.body as string) as { badge: { stale: boolean; benefits?: unknown[] } | null };
      const s = seen[kindOf(sequence[warmupCalls + k]!)];
      s.shops++;
      if (badge) s.badges++;
      if (badge?.stale) s.stale++;
      if (badge?.benefits) s.benefits++;
    };
    for (let k = 0; k < measured.length; k++) {
      // Same key for both, the order flipped every call: neither always reads right after the other.
      if (k % 2 === 0) {
        await runOurs(k);
        await timed(getItem, measured[k]!, floor);
      } else {
        await timed(getItem, measured[k]!, floor);
        await runOurs(k);
      }
    }
    const answersMatchData =
      seen.awarded.badges === seen.awarded.shops && seen.awarded.stale === 0 &&
      seen.benefits.benefits === seen.benefits.shops &&
      seen.stale.stale === seen.stale.shops &&
      seen.none.badges === 0;
    if (!answersMatchData) throw new Error(`lookup answers do not match the data loaded: ${JSON.stringify(seen)}`);

    log(`timing ${batchCalls} batch lookups of 100 ids against single lookups, and the same for bare reads...`);
    // Per round: ours batch, ours single, floor BatchGetItem of the same 100 keys, floor GetItem of the
    // same single key. The floor's ratio is what DynamoDB (Local) itself charges for 100 items against 1.
    const batch: number[] = [];
    const singles: number[] = [];
    const floorBatch: number[] = [];
    const floorSingles: number[] = [];
    const ids = indexes.map(shopIdOf);
    const batchGet: Handler = async (e) => {
      const keys = e.queryStringParameters!.shopIds!.split(',').map((id) => ({ pk: shopPk(id), sk: PROFILE_SK }));
      const out = await bare.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }));
      if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) throw new Error('DynamoDB Local left keys unprocessed');
      return json(200, { items: out.Responses?.[table] ?? [] });
    };
    for (let n = 0; n < batchCalls + 20; n++) {
      const start = Math.floor(random() * (shopCount - 100));
      const many = batchEvent(ids.slice(start, start + 100), n);
      const one = badgeEvent(ids[Math.floor(random() * shopCount)]!, n);
      const warmup = n < 20;
      const out = await timed(lookup, many, warmup ? discard : batch);
      const answered = Object.keys((JSON.parse(out.body as string) as { badges: object }).badges).length;
      if (answered !== 100) throw new Error(`a batch of 100 ids answered ${answered} badges`);
      await timed(lookup, one, warmup ? discard : singles);
      await timed(batchGet, many, warmup ? discard : floorBatch);
      await timed(getItem, one, warmup ? discard : floorSingles);
    }

    log(`load: ${connections} connections for ${loadSeconds} s against the local gateway...`);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const requests = [{ method: 'GET', setupRequest: (req: { path?: string }) => ({ ...req, path: `/v1/shops/${ids[Math.floor(random() * shopCount)]}/badge` }) }];
    await autocannon({ url, connections, duration: 2, requests });
    const load = await autocannon({ url, connections, duration: loadSeconds, requests });
    const loadErrors = load.errors + load.non2xx;

    const p50 = percentile(ours, 0.5);
    const p99 = percentile(ours, 0.99);
    const floorP50 = percentile(floor, 0.5);
    const floorP99 = percentile(floor, 0.99);
    const batchP50 = percentile(batch, 0.5);
    const singleP50 = percentile(singles, 0.5);
    const shipped = initOf('shipped');
    return {
      shops: shopCount,
      dataLoadSeconds: r3(dataLoadSeconds),
      calls,
      p50Ms: r3(p50),
      p99Ms: r3(p99),
      getItemP50Ms: r3(floorP50),
      getItemP99Ms: r3(floorP99),
      p50RatioVsGetItem: r3(p50 / floorP50),
      p99RatioVsGetItem: r3(p99 / floorP99),
      batch100P50Ms: r3(batchP50),
      batch100P99Ms: r3(percentile(batch, 0.99)),
      singleP50MsDuringBatch: r3(singleP50),
      batch100RatioVsSingle: r3(batchP50 / singleP50),
      getItemBatch100P50Ms: r3(percentile(floorBatch, 0.5)),
      getItemBatch100RatioVsSingle: r3(percentile(floorBatch, 0.5) / percentile(floorSingles, 0.5)),
      answersMatchData,
      bundleBytes,
      initMs: shipped.medianMs,
      initCpuMs: shipped.medianCpuMs,
      initVariants,
      load: {
        connections,
        seconds: loadSeconds,
        requests: load.totalCompletedRequests,
        requestsPerSecond: Math.round(load.requests.average),
        p50Ms: load.latency.p50,
        p99Ms: load.latency.p99,
        errors: loadErrors,
      },
      // Targets are minimums (test/bench/run.ts): a ceiling is written as budget / actual >= 1.
      getItemOverLookupP50: r3(floorP50 / p50),
      getItemOverLookupP99: r3(floorP99 / p99),
      singleOverBatch100: r3(singleP50 / batchP50),
      bundleBudgetOverBytes: r3(BUNDLE_BUDGET_BYTES / bundleBytes),
      initBudgetOverMs: r3(INIT_BUDGET_MS / shipped.medianMs),
      loadErrorFree: loadErrors === 0 ? 1 : 0,
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    bare.destroy();
    await db.stop();
  }
}

const notServed: HttpLambda = async () => json(404, errorBody('not_found', 'the lookup benchmark serves the lookup routes only'));

const BUNDLE_BUDGET_BYTES = 150 * 1024;
const INIT_BUDGET_MS = 100;

export const lookupSection: Section = {
  name: 'lookup',
  run: async (ctx) => benchLookup({ log: ctx.log, shops: Math.min(ctx.shops ?? 1_000, 1_000) }),
  targets: [
    // p50 and p99 within 1.3 of a bare GetItem; 100 shops within 3 single lookups.
    { metric: 'getItemOverLookupP50', min: r3(1 / 1.3) },
    { metric: 'getItemOverLookupP99', min: r3(1 / 1.3) },
    { metric: 'singleOverBatch100', min: r3(1 / 3) },
    { metric: 'bundleBudgetOverBytes', min: 1 },
    { metric: 'initBudgetOverMs', min: 1 },
    { metric: 'loadErrorFree', min: 1 },
  ],
};

export const bundlesSection: Section = {
  name: 'bundles',
  run: async () => bundleSizes(),
};
