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
 * (`checksumMatchesReference` compares it with the checksum of the unoptimised engine for the default data;
 * a fix that changes outputs on purpose updates REFERENCE_CHECKSUM).
 *
 * Reading the figures: wall-time rates are medians of the passes; `...PerCpuSecond` are the same passes by
 * process CPU time, steadier when other work shares the machine (`loadAverage1m`, `cpuUtilisation` below 1).
 * The 100,000 precomputed Aggregates do not fit in cache, so every shop's metrics are read from memory:
 * the figure is a cold-cache one (in a run, `aggregate` has just built the metrics it evaluates).
 */
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import type { BadgeMonth } from '../../shared/domain/calendar';
import { evaluateShop, type ProgramResult } from '../../shared/domain/evaluate';
import { aggregate, type Aggregates } from '../../shared/domain/metrics';
import { RulesCache, type MarketRules, type ShopProfile } from '../../shared/domain/rules';
import { loadCatalog } from '../../shared/programs';
import { assertAgreement, JsonRulesBaseline } from './json-rules-baseline';
import { syntheticShops, DAYS_PER_SHOP, type SyntheticShop } from './synthetic';
import { median } from './stats';

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
  /** The same passes by process CPU time (median): steadier than wall time on a busy machine. */
  shopEvaluationsPerCpuSecond: number;
  /** CPU time / wall time over the timed passes: about 1 when one core did the work uncontended. */
  cpuUtilisation: number;
  /** os.loadavg()[0] at the start of the timed passes, and the machine's cores: context for the figures. */
  loadAverage1m: number;
  cores: number;
  jsonRulesEngineShops: number;
  jsonRulesEngineEvaluationsPerSecond: number;
  jsonRulesEngineEvaluationsPerCpuSecond: number;
  ratioVsJsonRulesEngine: number;
  ratioVsJsonRulesEngineCpu: number;
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
export const REFERENCE_CHECKSUM = { shops: 100_000, seed: 20260301, checksum: '779a1d60462da01c' };


function nowNs(): bigint {
  return process.hrtime.bigint();
}

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

/** Runs `pass` `passes` times, recording each pass's wall time and the process's CPU time. */
async function timePasses(passes: number, pass: (index: number) => void | Promise<void>): Promise<Timing> {
  const timing: Timing = { wallMs: [], cpuMs: [] };
  for (let p = 0; p < passes; p++) {
    const cpuStart = process.cpuUsage();
    const start = nowNs();
    await pass(p);
    const elapsed = nowNs() - start;
    const cpu = process.cpuUsage(cpuStart);
    timing.wallMs.push(Number(elapsed) / 1e6);
    timing.cpuMs.push((cpu.user + cpu.system) / 1e3);
  }
  return timing;
}

/** Items per second at the median pass time. */
function perSecond(items: number, ms: number[]): number {
  return Math.round(items / (median(ms) / 1e3));
}

interface PassCounts {
  badges: number;
  criteria: number;
  programs: number;
}

/** The measured loop: kept small and monomorphic; the counts keep every output alive until it is read. */
function evaluationPass(profiles: ShopProfile[], aggregates: Pick<Aggregates, 'metrics'>[], months: BadgeMonth[], cache: RulesCache): PassCounts {
  let badges = 0;
  let criteria = 0;
  let programs = 0;
  const n = profiles.length;
  for (let i = 0; i < n; i++) {
    const profile = profiles[i] as ShopProfile;
    const evaluation = evaluateShop(profile, aggregates[i] as Aggregates, cache.get(profile.market, months[i] as BadgeMonth));
    if (evaluation.badge !== null) badges++;
    const results = evaluation.programs;
    programs += results.length;
    for (let p = 0; p < results.length; p++) criteria += (results[p] as ProgramResult).criteria.length;
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
  const shops = syntheticShops({ shops: shopCount, seed }).shops;
  const profiles = shops.map((s) => s.profile);
  const aggregates = shops.map((s) => s.aggregates);
  const months = shops.map((s) => s.month);
  const cache = new RulesCache(loadCatalog());
  const shopsByMarket: Record<string, number> = {};
  for (const s of shops) {
    shopsByMarket[s.profile.market] = (shopsByMarket[s.profile.market] ?? 0) + 1;
    cache.get(s.profile.market, s.month);
  }
  const setupMilliseconds = Number(nowNs() - setupStart) / 1e6;
  log(`setup: ${shopCount} shops with ${DAYS_PER_SHOP} daily records each, aggregated, in ${setupMilliseconds.toFixed(0)} ms`);

  // Untimed reference pass: checksum of every output's JSON and the counts every timed pass must reproduce.
  const checksumOf = (metricsOf: (i: number) => Pick<Aggregates, 'metrics'>): { checksum: string; bytes: number; counts: PassCounts } => {
    const hash = createHash('sha256');
    let bytes = 0;
    const counts: PassCounts = { badges: 0, criteria: 0, programs: 0 };
    for (let i = 0; i < shopCount; i++) {
      const s = shops[i] as SyntheticShop;
      const evaluation = evaluateShop(s.profile, metricsOf(i), cache.get(s.profile.market, s.month));
      const json = JSON.stringify(evaluation);
      hash.update(json);
      hash.update('\n');
      bytes += json.length + 1;
      if (evaluation.badge !== null) counts.badges++;
      counts.programs += evaluation.programs.length;
      for (const p of evaluation.programs) counts.criteria += p.criteria.length;
    }
    return { checksum: hash.digest('hex').slice(0, 16), bytes, counts };
  };
  const reference = checksumOf((i) => aggregates[i] as Aggregates);
  const expected = reference.counts;
  const outputChecksum = reference.checksum;
  const checksumMatchesReference =
    shopCount === REFERENCE_CHECKSUM.shops && seed === REFERENCE_CHECKSUM.seed ? outputChecksum === REFERENCE_CHECKSUM.checksum : null;
  if (checksumMatchesReference === false) {
    log(`WARNING: output checksum ${outputChecksum} differs from the reference ${REFERENCE_CHECKSUM.checksum}: the engine's output changed`);
  }

  const check = (counts: PassCounts, label: string): void => {
    if (counts.badges !== expected.badges || counts.criteria !== expected.criteria || counts.programs !== expected.programs) {
      throw new Error(`${label}: counts ${JSON.stringify(counts)} differ from the reference pass ${JSON.stringify(expected)}`);
    }
  };

  // json-rules-engine over the first `jreShops` shops: one Engine per market + month. The agreement check
  // (untimed) doubles as its warm-up.
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
  const jrePass = async (p: number): Promise<void> => {
    let badges = 0;
    for (let i = 0; i < jreShops; i++) {
      const s = subset[i] as SyntheticShop;
      const result = await (subsetEngines[i] as JsonRulesBaseline).evaluate(s.profile, s.aggregates);
      if (result.badge !== null) badges++;
    }
    if (badges !== subsetBadges) throw new Error(`json-rules-engine pass ${p + 1}: ${badges} badges, expected ${subsetBadges}`);
  };

  // The engine's timed passes, with json-rules-engine's passes interleaved among them so that both see the
  // same machine (on a shared machine the load moves; the ratio should not move with it).
  for (let w = 0; w < warmupPasses; w++) check(evaluationPass(profiles, aggregates, months, cache), `warm-up pass ${w + 1}`);
  const loadAverage1m = Number(loadavg()[0]?.toFixed(2) ?? 0);
  const engine: Timing = { wallMs: [], cpuMs: [] };
  const jre: Timing = { wallMs: [], cpuMs: [] };
  const jreEvery = Math.max(1, Math.floor(passes / Math.max(1, jrePasses)));
  for (let p = 0; p < passes; p++) {
    const t = await timePasses(1, () => check(evaluationPass(profiles, aggregates, months, cache), `timed pass ${p + 1}`));
    engine.wallMs.push(...t.wallMs);
    engine.cpuMs.push(...t.cpuMs);
    if (jre.wallMs.length < jrePasses && (p % jreEvery === jreEvery - 1 || p === passes - 1)) {
      const j = await timePasses(1, () => jrePass(jre.wallMs.length));
      jre.wallMs.push(...j.wallMs);
      jre.cpuMs.push(...j.cpuMs);
    }
  }
  while (jre.wallMs.length < jrePasses) {
    const j = await timePasses(1, () => jrePass(jre.wallMs.length));
    jre.wallMs.push(...j.wallMs);
    jre.cpuMs.push(...j.cpuMs);
  }
  const medianMs = median(engine.wallMs);
  const shopEvaluationsPerSecond = perSecond(shopCount, engine.wallMs);
  const shopEvaluationsPerCpuSecond = perSecond(shopCount, engine.cpuMs);
  const cpuUtilisation = Number((engine.cpuMs.reduce((a, b) => a + b, 0) / engine.wallMs.reduce((a, b) => a + b, 0)).toFixed(2));
  log(
    `engine: ${passes} passes over ${shopCount} shops, median ${medianMs.toFixed(1)} ms: ${shopEvaluationsPerSecond.toLocaleString('en-US')} shop-evaluations/s ` +
      `(${shopEvaluationsPerCpuSecond.toLocaleString('en-US')} per CPU second; load average ${loadAverage1m} on ${cpus().length} cores)`,
  );
  const jsonRulesEngineEvaluationsPerSecond = perSecond(jreShops, jre.wallMs);
  const jsonRulesEngineEvaluationsPerCpuSecond = perSecond(jreShops, jre.cpuMs);
  const ratioVsJsonRulesEngine = Number((shopEvaluationsPerSecond / jsonRulesEngineEvaluationsPerSecond).toFixed(1));
  const ratioVsJsonRulesEngineCpu = Number((shopEvaluationsPerCpuSecond / jsonRulesEngineEvaluationsPerCpuSecond).toFixed(1));
  log(
    `json-rules-engine: ${jsonRulesEngineEvaluationsPerSecond.toLocaleString('en-US')} shop-evaluations/s (${jreShops} shops, median of ${jrePasses}; ` +
      `${jsonRulesEngineEvaluationsPerCpuSecond.toLocaleString('en-US')} per CPU second); ratio ${ratioVsJsonRulesEngine}x (${ratioVsJsonRulesEngineCpu}x by CPU time)`,
  );


  // Aggregation (30 daily records a shop), measured on its own, on shops of its own: keeping the records of
  // the measured shops alive through the engine passes nearly triples the heap and slows every scavenge.
  const { records } = syntheticShops({ shops: aggregationShops, seed: seed + 1, keepRecordsFor: aggregationShops });
  let aggregatedDays = 0;
  const aggregation = await timePasses(5, () => {
    let days = 0;
    for (const shop of records) days += aggregate(shop.records, shop.period).days;
    aggregatedDays = days;
  });
  if (aggregatedDays !== aggregationShops * DAYS_PER_SHOP) throw new Error(`aggregation counted ${aggregatedDays} days`);
  const aggregationPerSecond = perSecond(aggregationShops, aggregation.wallMs.slice(1));
  log(`aggregation: ${aggregationPerSecond.toLocaleString('en-US')} shops/s (${DAYS_PER_SHOP} daily records each)`);

  return {
    shops: shopCount,
    seed,
    shopsByMarket,
    programEvaluationsPerPass: expected.programs,
    criteriaPerPass: expected.criteria,
    badgesAwarded: expected.badges,
    shopEvaluationsPerSecond,
    nanosecondsPerShop: Number(((medianMs * 1e6) / shopCount).toFixed(1)),
    passMilliseconds: engine.wallMs.map((ms) => Number(ms.toFixed(2))),
    shopEvaluationsPerCpuSecond,
    cpuUtilisation,
    loadAverage1m,
    cores: cpus().length,
    jsonRulesEngineShops: jreShops,
    jsonRulesEngineEvaluationsPerSecond,
    jsonRulesEngineEvaluationsPerCpuSecond,
    ratioVsJsonRulesEngine,
    ratioVsJsonRulesEngineCpu,
    criteriaCompared,
    aggregationPerSecond,
    aggregationDaysPerShop: DAYS_PER_SHOP,
    outputChecksum,
    outputBytesPerPass: reference.bytes,
    checksumMatchesReference,
    setupMilliseconds: Math.round(setupMilliseconds),
  };
}
