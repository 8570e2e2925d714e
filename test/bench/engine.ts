/**
 * The engine benchmark: shop-evaluations per second of `evaluateShop` with its full per-criterion
 * breakdown, against json-rules-engine running the same rules in the same process.
 *
 * What is measured: `evaluateShop(profile, aggregates, rulesCache.get(market, month))` for every shop, on
 * the main thread (one core for the JavaScript; V8's GC helper threads aside, see `cpuUtilisation`).
 * What is not: building the shops and aggregating their daily records into Aggregates. That happens once,
 * before any timing, in `syntheticShops`; aggregation has its own figure, `aggregationPerSecond`
 * (shops of 30 daily records aggregated per second, timed separately).
 *
 * Guarding the measurement: every timed pass counts the badges awarded and the criteria in the output and
 * checks the counts against an untimed pass, so V8 cannot drop the work; an untimed pass also hashes the
 * JSON of all outputs (`outputChecksum`), which must not change when the engine is optimised
 * (`checksumMatchesReference` compares it with the checksum of the unoptimised engine for the default data).
 */
import { createHash } from 'node:crypto';
import { evaluateShop, type ShopEvaluation } from '../../shared/domain/evaluate';
import { aggregate, type Aggregates } from '../../shared/domain/metrics';
import { RulesCache, type MarketRules, type ShopProfile } from '../../shared/domain/rules';
import { loadCatalog } from '../../shared/programs';
import { assertAgreement, JsonRulesBaseline } from './json-rules-baseline';
import { syntheticShops, DAYS_PER_SHOP, type SyntheticShop } from './synthetic';

export interface BenchEngineOptions {
  /** Synthetic shops evaluated per pass (100,000). */
  shops?: number;
  seed?: number;
  /** Untimed passes before measuring (2). */
  warmupPasses?: number;
  /** Timed passes; the median counts (9). */
  passes?: number;
  /** Shops run through json-rules-engine, the first of the set (5,000). */
  jsonRulesEngineShops?: number;
  /** Timed passes over those shops; the median counts (3). */
  jsonRulesEnginePasses?: number;
  /** Shops whose 30 daily records are aggregated in the aggregation measurement (5,000). */
  aggregationShops?: number;
  log?: (line: string) => void;
}

export interface BenchEngineResult {
  shops: number;
  seed: number;
  shopsByMarket: Record<string, number>;
  programEvaluationsPerPass: number;
  criteriaPerPass: number;
  badgesAwarded: number;
  shopEvaluationsPerSecond: number;
  nanosecondsPerShop: number;
  passMilliseconds: number[];
  /** CPU time / wall time over the timed passes: about 1 when one core did the work. */
  cpuUtilisation: number;
  jsonRulesEngineShops: number;
  jsonRulesEngineEvaluationsPerSecond: number;
  ratioVsJsonRulesEngine: number;
  /** Criteria whose pass/fail and actual value were compared between the two engines. */
  criteriaCompared: number;
  aggregationPerSecond: number;
  aggregationDaysPerShop: number;
  outputChecksum: string;
  outputBytesPerPass: number;
  checksumMatchesReference: boolean | null;
  setupMilliseconds: number;
}

/** sha256 (first 16 hex digits) of the outputs' JSON for the default data set, from the unoptimised engine. */
export const REFERENCE_CHECKSUM = { shops: 100_000, seed: 20260301, checksum: '' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function nowNs(): bigint {
  return process.hrtime.bigint();
}

interface PassCounts {
  badges: number;
  criteria: number;
  programs: number;
}

/** The measured loop: kept small and monomorphic; the counts keep every output alive until it is read. */
function evaluationPass(profiles: ShopProfile[], aggregates: Aggregates[], shops: SyntheticShop[], cache: RulesCache): PassCounts {
  let badges = 0;
  let criteria = 0;
  let programs = 0;
  const n = profiles.length;
  for (let i = 0; i < n; i++) {
    const profile = profiles[i] as ShopProfile;
    const evaluation = evaluateShop(profile, aggregates[i] as Aggregates, cache.get(profile.market, (shops[i] as SyntheticShop).month));
    if (evaluation.badge !== null) badges++;
    const results = evaluation.programs;
    programs += results.length;
    for (let p = 0; p < results.length; p++) criteria += (results[p] as ShopEvaluation['programs'][number]).criteria.length;
  }
  return { badges, criteria, programs };
}

export async function benchEngine(opts: BenchEngineOptions = {}): Promise<BenchEngineResult> {
  const shopCount = opts.shops ?? 100_000;
  const seed = opts.seed ?? REFERENCE_CHECKSUM.seed;
  const warmupPasses = opts.warmupPasses ?? 2;
  const passes = opts.passes ?? 9;
  const jreShops = Math.min(opts.jsonRulesEngineShops ?? 5_000, shopCount);
  const jrePasses = opts.jsonRulesEnginePasses ?? 3;
  const aggregationShops = Math.min(opts.aggregationShops ?? 5_000, shopCount);
  const log = opts.log ?? (() => {});

  // Setup (untimed): shops, daily records, Aggregates, compiled rules.
  const setupStart = nowNs();
  const data = syntheticShops({ shops: shopCount, seed, keepRecordsFor: aggregationShops });
  const shops = data.shops;
  const profiles = shops.map((s) => s.profile);
  const aggregates = shops.map((s) => s.aggregates);
  const cache = new RulesCache(loadCatalog());
  const shopsByMarket: Record<string, number> = {};
  for (const s of shops) {
    shopsByMarket[s.profile.market] = (shopsByMarket[s.profile.market] ?? 0) + 1;
    cache.get(s.profile.market, s.month);
  }
  const setupMilliseconds = Number(nowNs() - setupStart) / 1e6;
  log(`setup: ${shopCount} shops with ${DAYS_PER_SHOP} daily records each, aggregated, in ${setupMilliseconds.toFixed(0)} ms`);

  // Untimed reference pass: checksum of every output's JSON and the counts every timed pass must reproduce.
  const hash = createHash('sha256');
  let outputBytesPerPass = 0;
  const expected: PassCounts = { badges: 0, criteria: 0, programs: 0 };
  for (let i = 0; i < shopCount; i++) {
    const s = shops[i] as SyntheticShop;
    const evaluation = evaluateShop(s.profile, s.aggregates, cache.get(s.profile.market, s.month));
    const json = JSON.stringify(evaluation);
    hash.update(json);
    hash.update('\n');
    outputBytesPerPass += json.length + 1;
    if (evaluation.badge !== null) expected.badges++;
    expected.programs += evaluation.programs.length;
    for (const p of evaluation.programs) expected.criteria += p.criteria.length;
  }
  const outputChecksum = hash.digest('hex').slice(0, 16);
  const checksumMatchesReference =
    shopCount === REFERENCE_CHECKSUM.shops && seed === REFERENCE_CHECKSUM.seed && REFERENCE_CHECKSUM.checksum !== ''
      ? outputChecksum === REFERENCE_CHECKSUM.checksum
      : null;

  const check = (counts: PassCounts, label: string): void => {
    if (counts.badges !== expected.badges || counts.criteria !== expected.criteria || counts.programs !== expected.programs) {
      throw new Error(`${label}: counts ${JSON.stringify(counts)} differ from the reference pass ${JSON.stringify(expected)}`);
    }
  };

  for (let w = 0; w < warmupPasses; w++) check(evaluationPass(profiles, aggregates, shops, cache), `warm-up pass ${w + 1}`);

  const passMilliseconds: number[] = [];
  let cpuMicros = 0;
  let wallNs = 0n;
  for (let p = 0; p < passes; p++) {
    const cpuStart = process.cpuUsage();
    const start = nowNs();
    const counts = evaluationPass(profiles, aggregates, shops, cache);
    const elapsed = nowNs() - start;
    const cpu = process.cpuUsage(cpuStart);
    check(counts, `timed pass ${p + 1}`);
    wallNs += elapsed;
    cpuMicros += cpu.user + cpu.system;
    passMilliseconds.push(Number(elapsed) / 1e6);
  }
  const medianMs = median(passMilliseconds);
  const shopEvaluationsPerSecond = Math.round(shopCount / (medianMs / 1e3));
  log(`engine: ${passes} passes over ${shopCount} shops, median ${medianMs.toFixed(1)} ms: ${shopEvaluationsPerSecond.toLocaleString('en-US')} shop-evaluations/s`);

  // Aggregation (30 daily records a shop), measured on its own.
  const aggregationRuns: number[] = [];
  let aggregatedDays = 0;
  for (let p = 0; p < 5; p++) {
    const start = nowNs();
    let days = 0;
    for (const { records, period } of data.records) days += aggregate(records, period).days;
    aggregationRuns.push(Number(nowNs() - start) / 1e6);
    aggregatedDays = days;
  }
  if (aggregatedDays !== aggregationShops * DAYS_PER_SHOP) throw new Error(`aggregation counted ${aggregatedDays} days`);
  const aggregationPerSecond = Math.round(aggregationShops / (median(aggregationRuns.slice(1)) / 1e3));
  log(`aggregation: ${aggregationPerSecond.toLocaleString('en-US')} shops/s (${DAYS_PER_SHOP} daily records each)`);

  // json-rules-engine over the first `jreShops` shops: one Engine per market + month.
  const baselines = new Map<MarketRules, JsonRulesBaseline>();
  const baselineFor = (s: SyntheticShop): JsonRulesBaseline => {
    const rules = cache.get(s.profile.market, s.month);
    let b = baselines.get(rules);
    if (!b) {
      b = new JsonRulesBaseline(rules);
      baselines.set(rules, b);
    }
    return b;
  };
  const subset = shops.slice(0, jreShops);
  const subsetEngines = subset.map(baselineFor);
  let criteriaCompared = 0;
  let subsetBadges = 0;
  for (let i = 0; i < jreShops; i++) {
    const s = subset[i] as SyntheticShop;
    const theirs = await (subsetEngines[i] as JsonRulesBaseline).evaluate(s.profile, s.aggregates);
    const ours = evaluateShop(s.profile, s.aggregates, cache.get(s.profile.market, s.month));
    criteriaCompared += assertAgreement(s.profile.shopId, ours, theirs);
    if (ours.badge !== null) subsetBadges++;
  }
  log(`json-rules-engine agrees with the engine on ${jreShops} shops (${criteriaCompared} criteria compared)`);
  const jreRuns: number[] = [];
  for (let p = 0; p < jrePasses; p++) {
    const start = nowNs();
    let badges = 0;
    for (let i = 0; i < jreShops; i++) {
      const s = subset[i] as SyntheticShop;
      const result = await (subsetEngines[i] as JsonRulesBaseline).evaluate(s.profile, s.aggregates);
      if (result.badge !== null) badges++;
    }
    jreRuns.push(Number(nowNs() - start) / 1e6);
    if (badges !== subsetBadges) throw new Error(`json-rules-engine pass ${p + 1}: ${badges} badges, expected ${subsetBadges}`);
  }
  const jsonRulesEngineEvaluationsPerSecond = Math.round(jreShops / (median(jreRuns) / 1e3));
  const ratioVsJsonRulesEngine = Number((shopEvaluationsPerSecond / jsonRulesEngineEvaluationsPerSecond).toFixed(1));
  log(`json-rules-engine: ${jsonRulesEngineEvaluationsPerSecond.toLocaleString('en-US')} shop-evaluations/s (${jreShops} shops, median of ${jrePasses}); ratio ${ratioVsJsonRulesEngine}x`);

  return {
    shops: shopCount,
    seed,
    shopsByMarket,
    programEvaluationsPerPass: expected.programs,
    criteriaPerPass: expected.criteria,
    badgesAwarded: expected.badges,
    shopEvaluationsPerSecond,
    nanosecondsPerShop: Number(((medianMs * 1e6) / shopCount).toFixed(1)),
    passMilliseconds: passMilliseconds.map((ms) => Number(ms.toFixed(2))),
    cpuUtilisation: Number((cpuMicros * 1e3 / Number(wallNs)).toFixed(2)),
    jsonRulesEngineShops: jreShops,
    jsonRulesEngineEvaluationsPerSecond,
    ratioVsJsonRulesEngine,
    criteriaCompared,
    aggregationPerSecond,
    aggregationDaysPerShop: DAYS_PER_SHOP,
    outputChecksum,
    outputBytesPerPass,
    checksumMatchesReference,
    setupMilliseconds: Math.round(setupMilliseconds),
  };
}
