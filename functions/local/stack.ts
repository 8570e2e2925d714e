/**
 * The whole service on one machine: DynamoDB Local (the official engine), the table, the deployed
 * handlers behind the local gateway, the in-process segment queue and the monthly schedule. Used by
 * `npm start` and by the end-to-end tests.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { firstMonthAfter, MARKET_CODES, type BadgeMonth, type Market } from '../../shared/domain/calendar';
import { useServices } from '../../shared/runtime';
import { createDocumentClient } from '../../shared/store/client';
import { mapLimited } from '../../shared/store/retry';
import { SHARDS_PER_MARKET, TABLE } from '../../shared/store/table';
import { dueUnevaluated, pendingSegments, startRun } from '../../shared/usecases/evaluation';
import { ingestMetrics, putShop } from '../../shared/usecases/ingest';
import { createServices, type Services } from '../../shared/usecases/services';
import { localClientConfig, startDynamoDbLocal } from './dynamodb-local';
import { createTable } from './tables';
import { loadOrCreateKeys, localEnvironment, mintToken, REPO_ROOT } from './tokens';
import { demoData, demoRecords } from './demo';
import type { ApiFunction } from '../../shared/http/routes';
import { createGateway, type HttpLambda } from './gateway';
import { LocalSegmentQueue, type SqsConsumer, type SqsWorker } from './queue';
import { startMonthlySchedule } from './scheduler';
import { LocalPersistence } from './snapshot';
import { startStorefront } from './storefront';
import { buildWebAssets } from '../../web/build';

/** How often the local table is saved while the server runs (and always on stop): it bounds the journal's length. */
const SNAPSHOT_EVERY_MS = 60_000;

export interface LocalStackOptions {
  port?: number;
  demo?: boolean;
  /** Start from an empty database (persisted runs only). */
  fresh?: boolean;
  /** Keep data between runs (npm start): every acknowledged write is journaled, the table snapshotted. */
  persist?: boolean;
  /** Where persisted data lives (default .local/data). */
  dataDir?: string;
  /** How often the table is snapshotted while up (default 60 s). */
  snapshotEveryMs?: number;
  clock?: () => Date;
  log?: (line: string) => void;
  /** The demo storefront's port, on 127.0.0.1 (another origin than the API); default: any free port. */
  storefrontPort?: number;
}

export interface LocalStack {
  url: string;
  port: number;
  services: Services;
  queue: LocalSegmentQueue;
  operatorToken: string;
  sellerToken: (shopId: string) => Promise<string>;
  demoShopIds: string[];
  /** The demo storefront (a product grid with <seller-badge> elements), on another origin. */
  storefrontUrl: string;
  stop: () => Promise<void>;
}

/**
 * The earliest first month of the shops held, per market: where the start-up catch-up begins. The
 * market shards are read side by side: one after the other, the 512 mostly empty partitions took seconds.
 */
async function earliestMonths(svc: Services): Promise<Map<Market, BadgeMonth>> {
  const partitions = MARKET_CODES.flatMap((market) => Array.from({ length: SHARDS_PER_MARKET }, (_, shard) => ({ market, shard })));
  const firsts = await mapLimited(partitions, 16, async ({ market, shard }) => {
    let first: BadgeMonth | undefined;
    for await (const page of svc.shops.listShard(market, shard)) {
      for (const p of page) {
        const month = firstMonthAfter(p.onboardedAt);
        if (first === undefined || month < first) first = month;
      }
    }
    return { market, first };
  });
  const earliest = new Map<Market, BadgeMonth>();
  for (const { market, first } of firsts) {
    const seen = earliest.get(market);
    if (first !== undefined && (seen === undefined || first < seen)) earliest.set(market, first);
  }
  return earliest;
}

/**
 * Evaluates every due month not yet evaluated and waits for the runs to finish. The months run side by
 * side (each month's records are separate items, so their order does not matter), which keeps the
 * queue full: most segments of a small local data set are empty shards.
 */
export async function catchUp(svc: Services, queue: LocalSegmentQueue, log: (line: string) => void): Promise<number> {
  const due = await dueUnevaluated(svc, await earliestMonths(svc), svc.clock());
  const months = [...due.keys()].sort();
  const runs = [];
  for (const month of months) runs.push(await startRun(svc, { month, markets: due.get(month)!, trigger: 'catch-up' }));
  await queue.idle();
  for (const run of runs) {
    const done = await svc.runs.get(run.runId);
    log(`  evaluated ${run.month} for ${run.markets.join(', ')}: ${done?.shops.evaluated ?? 0} shops, ${done?.shops.awarded ?? 0} awarded (${done?.state})`);
  }
  return months.length;
}

async function loadDemo(svc: Services, now: Date): Promise<{ shopIds: string[]; revoking: Awaited<ReturnType<typeof demoData>>['revoking'] }> {
  const { shops, revoking } = demoData(now);
  for (const shop of shops) await putShop(svc, shop.profile.shopId, shop.profile);
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await ingestMetrics(svc, batch);
    if (out.rejected.length > 0) throw new Error(`demo data rejected: ${JSON.stringify(out.rejected.slice(0, 3))}`);
    batch = [];
  };
  for (const shop of shops) {
    for (const record of demoRecords(shop, now)) {
      batch.push(record);
      if (batch.length === 1000) await flush();
    }
  }
  await flush();
  return { shopIds: shops.map((s) => s.profile.shopId), revoking };
}

function setDefaultEnv(endpoint: string): void {
  process.env.TABLE_NAME = TABLE.name;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  process.env.POWERTOOLS_SERVICE_NAME ??= 'seller-badges';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? (() => new Date());
  const keys = await loadOrCreateKeys();
  const dataDir = options.dataDir ?? join(REPO_ROOT, '.local', 'data');
  // npm start stops the engine itself on Ctrl-C, after saving the table.
  const db = await startDynamoDbLocal({ callerHandlesSignals: options.persist === true });
  let listening: Server | undefined;
  log(`DynamoDB Local (pid ${db.pid}) on ${db.endpoint}`);
  let persistence: LocalPersistence | undefined;
  try {
    const clientConfig = localClientConfig(db.endpoint);
    const raw = new DynamoDBClient(clientConfig);
    await createTable(raw, TABLE.name);
    raw.destroy();
    setDefaultEnv(db.endpoint);

    // The queue calls the worker and dead-letter handlers, imported once the services they use are installed.
    const late: { worker?: SqsWorker; deadLetter?: SqsConsumer } = {};
    const queue = new LocalSegmentQueue((event, context) => late.worker!(event, context), {
      // DynamoDB Local serves many requests at once; most local segments are empty shards.
      concurrency: 16,
      deadLetter: (event, context) => late.deadLetter!(event, context),
    });
    // The server listens before the handlers load: its port goes into their token settings (JWKS_URL,
    // CORS_ALLOWED_ORIGINS), which the protected functions read when they start. Until the handlers are
    // in place it answers 503 (and /health "starting").
    const handlers: Partial<Record<ApiFunction, HttpLambda>> = {};
    let ready = false;
    const server = createGateway({ handlers, jwks: keys.jwks, isReady: () => ready });
    listening = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 3000, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    Object.assign(process.env, localEnvironment(port));

    const doc = createDocumentClient(clientConfig);
    const svc = createServices({ doc, table: TABLE.name, queue, clock });
    useServices(svc);
    if (options.persist) {
      persistence = await LocalPersistence.open(doc, TABLE.name, dataDir, { fresh: options.fresh });
      const { snapshotItems, journaledWrites } = persistence.restored;
      if (snapshotItems + journaledWrites > 0) log(`restored ${snapshotItems} items and ${journaledWrites} journaled writes from ${dataDir}`);
    }
    // The web function serves what web/build.ts builds, as the CDK bundling does for Lambda: into a
    // directory of this process (test files start stacks side by side; none reads another's half-written file).
    process.env.WEB_ASSETS_DIR ??= join(tmpdir(), `seller-badges-web-${process.pid}`);
    await buildWebAssets(process.env.WEB_ASSETS_DIR);
    const [lookup, seller, ingest, admin, web, planner, workerModule, deadLetterModule, watchdog] = await Promise.all([
      import('../lookup/handler'),
      import('../seller/handler'),
      import('../ingest/handler'),
      import('../admin/handler'),
      import('../web/handler'),
      import('../planner/handler'),
      import('../worker/handler'),
      import('../dead-letter/handler'),
      import('../watchdog/handler'),
    ]);
    late.worker = workerModule.handler as SqsWorker;
    late.deadLetter = deadLetterModule.handler as SqsConsumer;

    const pending = await pendingSegments(svc);
    if (pending.length > 0) {
      log(`resuming ${pending.length} unfinished segments of interrupted runs`);
      await queue.send(pending);
      await queue.idle();
    }
    let demoShopIds: string[] = [];
    let revoking: Awaited<ReturnType<typeof loadDemo>>['revoking'] = [];
    if (options.demo) {
      log('loading demo shops and their daily metrics...');
      ({ shopIds: demoShopIds, revoking } = await loadDemo(svc, clock()));
    }
    log('evaluating badge months that are due and not yet evaluated...');
    const months = await catchUp(svc, queue, log);
    if (months === 0) log('  every due month is already evaluated');
    if (revoking.length > 0) await ingestMetrics(svc, revoking);

    const stopSchedule = startMonthlySchedule({ planner: (input) => planner.handler(input), watchdog: (input) => watchdog.handler(input) }, clock);
    const save = async () => {
      await persistence?.snapshot();
    };
    await save();
    const saver = setInterval(
      () => void save().catch((error: unknown) => console.error('snapshot failed (the journal still holds every write)', error)),
      options.snapshotEveryMs ?? SNAPSHOT_EVERY_MS,
    );
    saver.unref();
    Object.assign(handlers, {
      lookup: lookup.handler as unknown as HttpLambda,
      seller: seller.handler as unknown as HttpLambda,
      ingest: ingest.handler as unknown as HttpLambda,
      admin: admin.handler as unknown as HttpLambda,
      web: web.handler as unknown as HttpLambda,
    });
    ready = true;
    const storefront = await startStorefront(`http://localhost:${port}`, options.storefrontPort ?? 0);
    let stopped = false;
    return {
      url: `http://localhost:${port}`,
      port,
      services: svc,
      queue,
      operatorToken: await mintToken(keys, { operator: true }),
      sellerToken: (shopId) => mintToken(keys, { shopId }),
      demoShopIds,
      storefrontUrl: storefront.url,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        storefront.server.closeAllConnections();
        storefront.server.close();
        stopSchedule();
        clearInterval(saver);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await queue.idle();
        await save().catch((error: unknown) => log(`could not save a last snapshot (${String(error)}); the journal keeps every write`));
        persistence?.close();
        await db.stop();
      },
    };
  } catch (error) {
    if (listening?.listening) {
      listening.closeAllConnections();
      await new Promise<void>((resolve) => listening!.close(() => resolve()));
    }
    persistence?.close();
    await db.stop();
    throw error;
  }
}
