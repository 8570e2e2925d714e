/**
 * Policy simulation against a plain dry run, on DynamoDB Local, in one bench run: `simulation.ratioVsDryRun`
 * is the median time of a simulated dry run (a dry run with `changes`) over the median time of a plain dry
 * run of the same month and shops (target <= 1.2: trying thresholds costs at most a fifth more than the dry
 * run an operator would do anyway).
 *
 * - Shops: the evaluation section's synthetic shops (same generator and seed), the first N (10,000) in the
 *   markets TopChoice covers (SEA): the changes below are a 400 for a run that includes a market the program
 *   does not cover, so the US shops of the generator's mix are left out, not simulated.
 * - Load (untimed): profiles as the BatchWriteItem puts of the item putProfile writes, days through putDays.
 * - Stored month (untimed): a real (non-dry) run of the month for every shop, through startRun and the real
 *   worker handler (functions/worker/handler.ts) behind LocalSegmentQueue, so that the dry runs have month
 *   records to diff against ("before"). It must succeed for all N shops.
 * - Timed: a plain dry run and a simulated dry run (CHANGES), each from startRun until its status with the
 *   diff merged from its segments is read (runStatus, what GET /v1/evaluations/{runId} answers), alternated
 *   ABBA over `repetitions` pairs (so the first pass's warm-up and the load of other processes fall on
 *   both); the medians are compared. Every run must succeed for all N shops, and its diff's four counts
 *   (gained, lost, changed, unchanged) must add up to shops.evaluated; the simulation must lose some shops
 *   (otherwise its thresholds changed nothing and nothing real was measured).
 */
import { Agent } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Market } from '../../shared/domain/calendar';
import type { DailyRecord } from '../../shared/domain/metrics';
import type { ThresholdChange } from '../../shared/domain/simulation';
import { logger } from '../../shared/observability/logger';
import { createDocumentClient } from '../../shared/store/client';
import { PROFILE_SK, shardOf, shardPk, shopPk } from '../../shared/store/keys';
import { batchWriteAll, mapLimited } from '../../shared/store/retry';
import { runStatus, startRun, type RunView } from '../../shared/usecases/evaluation';
import type { Services } from '../../shared/usecases/services';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { startTestDb } from '../support/harness';
import { benchShops, MONTH, workerQueue } from './evaluation';
import type { Section } from './run';
import { median, r3 } from './stats';

export interface BenchSimulationOptions {
  /** Shops in the simulated markets (10,000). */
  shops?: number;
  /** Pairs of timed dry runs, plain and simulated (4: ABBA twice). */
  repetitions?: number;
  /** Segments processed at once (4, as the evaluation section). */
  concurrency?: number;
  seed?: number;
  log?: (line: string) => void;
}

/** The markets TopChoice covers, in the order of the generator's mix. */
const SIMULATED_MARKETS: Market[] = ['TH', 'MY', 'VN', 'PH', 'SG', 'ID'];
/** The example (contract.md "Policy simulation"): TopChoice asks 200 orders, and a 4.5 rating in TH. */
export const CHANGES: ThresholdChange[] = [
  { program: 'top-choice', criterion: 'volume', metric: 'completedOrders', threshold: 200 },
  { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5 } },
];
/** Share of the generator's shops in SEA is 70%: generate enough to keep N of them. */
const SEA_SHARE_FLOOR = 0.65;


/** The first `n` shops of the evaluation section's generator whose market TopChoice covers. */
function simulatedShops(n: number, seed: number) {
  const shops = benchShops(Math.ceil(n / SEA_SHARE_FLOOR), seed)
    .filter((s) => SIMULATED_MARKETS.includes(s.profile.market))
    .slice(0, n);
  if (shops.length < n) throw new Error(`the generator gave ${shops.length} SEA shops, ${n} wanted`);
  return shops;
}

async function load(svc: Services, doc: DynamoDBDocumentClient, table: string, shops: ReturnType<typeof simulatedShops>): Promise<void> {
  const profiles = shops.map((s) => ({
    PutRequest: { Item: { pk: shopPk(s.profile.shopId), sk: PROFILE_SK, ...s.profile, gsi1pk: shardPk(s.profile.market, shardOf(s.profile.shopId)), gsi1sk: s.profile.shopId } },
  }));
  const profileChunks: (typeof profiles)[] = [];
  for (let i = 0; i < profiles.length; i += 25) profileChunks.push(profiles.slice(i, i + 25));
  await mapLimited(profileChunks, 32, async (chunk) => {
    await batchWriteAll(doc, table, chunk);
  });
  const dayChunks: DailyRecord[][] = [];
  for (const s of shops) for (let i = 0; i < s.records.length; i += 25) dayChunks.push(s.records.slice(i, i + 25));
  await mapLimited(dayChunks, 32, async (chunk) => {
    await svc.metrics.putDays(chunk);
  });
}

export async function benchSimulation(opts: BenchSimulationOptions = {}): Promise<Record<string, unknown>> {
  const n = opts.shops ?? 10_000;
  const repetitions = opts.repetitions ?? 4;
  const concurrency = opts.concurrency ?? 4;
  const seed = opts.seed ?? 20261101;
  const log = opts.log ?? (() => {});

  const shops = simulatedShops(n, seed);
  const markets = SIMULATED_MARKETS.filter((m) => shops.some((s) => s.profile.market === m));
  const byMarket: Record<string, number> = {};
  for (const s of shops) byMarket[s.profile.market] = (byMarket[s.profile.market] ?? 0) + 1;
  log(`${n} shops in ${markets.join(', ')} (${JSON.stringify(byMarket)}), 30 days each`);

  const db = await startTestDb();
  const doc = createDocumentClient({ ...localClientConfig(db.endpoint), requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 512 }) } });
  const previousLevel = logger.getLevelName();
  try {
    logger.setLogLevel('WARN');
    const table = await db.table();
    const { svc, queue, deadLetters } = await workerQueue(db, table, doc, concurrency);

    const loadStarted = performance.now();
    await load(svc, doc, table, shops);
    log(`load: ${n} profiles and ${(n * 30).toLocaleString('en-US')} days in ${((performance.now() - loadStarted) / 1e3).toFixed(1)} s`);

    /** One run through startRun and the worker, until its status (with the diff of a dry run) is read. */
    const runOnce = async (what: string, request: { dryRun: boolean; changes?: ThresholdChange[] }): Promise<{ seconds: number; view: RunView }> => {
      const started = performance.now();
      const run = await startRun(svc, { month: MONTH, markets, ...request });
      await queue.idle();
      const stored = await svc.runs.get(run.runId);
      if (!stored) throw new Error(`${what}: run ${run.runId} not found`);
      const view = await runStatus(svc, stored);
      const seconds = (performance.now() - started) / 1e3;
      if (view.state !== 'succeeded' || view.shops.evaluated !== n || view.shops.failed !== 0 || deadLetters() > 0) {
        throw new Error(`${what} did not succeed for all ${n} shops: ${JSON.stringify({ ...view, diff: undefined })} (dead letters: ${deadLetters()})`);
      }
      if (request.dryRun) {
        const diff = view.diff;
        if (!diff) throw new Error(`${what}: a succeeded dry run without a diff`);
        const sum = diff.gained + diff.lost + diff.changed + diff.unchanged;
        if (sum !== view.shops.evaluated) throw new Error(`${what}: gained + lost + changed + unchanged = ${sum}, shops.evaluated = ${view.shops.evaluated}`);
      }
      return { seconds, view };
    };

    const real = await runOnce('the real run', { dryRun: false });
    log(`real run (stores the month): ${n} shops, ${real.view.shops.awarded} awarded, in ${real.seconds.toFixed(2)} s`);

    const plain: number[] = [];
    const simulated: number[] = [];
    let plainView: RunView | undefined;
    let simulatedView: RunView | undefined;
    for (let rep = 0; rep < repetitions; rep++) {
      // ABBA: plain first in repetitions 0, 3, 4, 7...; simulated first in 1, 2, 5, 6...
      const plainFirst = rep % 4 === 0 || rep % 4 === 3;
      for (const side of plainFirst ? (['plain', 'simulated'] as const) : (['simulated', 'plain'] as const)) {
        if (side === 'plain') {
          const r = await runOnce('a plain dry run', { dryRun: true });
          plain.push(r.seconds);
          plainView = r.view;
        } else {
          const r = await runOnce('a simulated dry run', { dryRun: true, changes: CHANGES });
          simulated.push(r.seconds);
          simulatedView = r.view;
        }
      }
      log(`pair ${rep + 1}/${repetitions} (${plainFirst ? 'plain first' : 'simulated first'}): plain ${plain.at(-1)!.toFixed(2)} s, simulated ${simulated.at(-1)!.toFixed(2)} s`);
    }
    const sim = simulatedView!.diff!;
    const base = plainView!.diff!;
    if (sim.lost === 0) throw new Error(`the simulation lost no shop: its thresholds changed nothing (${JSON.stringify({ ...sim, shops: sim.shops.length })})`);
    const plainMedian = median(plain);
    const simulatedMedian = median(simulated);
    log(`median: plain ${plainMedian.toFixed(2)} s, simulated ${simulatedMedian.toFixed(2)} s, ratio ${(simulatedMedian / plainMedian).toFixed(3)}`);

    return {
      shops: n,
      shopsByMarket: byMarket,
      segments: real.view.segments.total,
      concurrency,
      repetitions,
      realRunSeconds: r3(real.seconds),
      awardedStored: real.view.shops.awarded,
      dryRunSeconds: plain.map(r3),
      simulatedSeconds: simulated.map(r3),
      dryRunMedianSeconds: r3(plainMedian),
      simulatedMedianSeconds: r3(simulatedMedian),
      shopsPerSecondSimulated: Math.round(n / simulatedMedian),
      dryRunDiff: { gained: base.gained, lost: base.lost, changed: base.changed, unchanged: base.unchanged },
      simulatedDiff: { gained: sim.gained, lost: sim.lost, changed: sim.changed, unchanged: sim.unchanged },
      simulatedByProgram: sim.byProgram,
      ratioVsDryRun: r3(simulatedMedian / plainMedian),
    };
  } finally {
    logger.setLogLevel(previousLevel);
    doc.destroy();
    await db.stop();
  }
}

export const simulationSection: Section = {
  name: 'simulation',
  // --shops (a quick run) lowers N; the default stays 10,000 shops.
  run: async (ctx) => benchSimulation({ log: ctx.log, shops: Math.min(ctx.shops ?? 10_000, 10_000) }),
  targets: [{ metric: 'ratioVsDryRun', max: 1.2 }],
};
