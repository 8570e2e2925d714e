import { describe, it, expect } from 'vitest';
import { AppError } from '../../shared/errors';
import type { BadgeMonth, Market } from '../../shared/domain/calendar';
import { evaluateShop, type ProgramResult, type ShopEvaluation } from '../../shared/domain/evaluate';
import { compileRules, type Catalog } from '../../shared/domain/rules';
import { applyChanges, DIFF_SHOP_LIMIT, SimulationDiff, type PolicyDiff, type SimulatedShop, type ThresholdChange } from '../../shared/domain/simulation';
import { changesSchema, loadCatalog } from '../../shared/programs';
import { passingMetrics, shop } from './shop-fixtures';

const catalog = loadCatalog();

function compiledCriterion(from: Catalog, market: Market, month: BadgeMonth, program: string, criterion: string) {
  const found = compileRules(from, market, month)
    .programs.find((p) => p.id === program)
    ?.criteria.find((c) => c.id === criterion);
  if (!found) throw new Error(`no ${program}/${criterion} in ${market} ${month}`);
  return found;
}

/** The AppError that applying `changes` throws (fails the test when it applies). */
function changeErrorOf(changes: ThresholdChange[], markets: Market[] | undefined = ['TH'], month = '2026-11'): AppError {
  try {
    applyChanges(catalog, month, markets, changes);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('the bad changes applied without an error');
}

describe('applyChanges: thresholds to try, on the program version in force that month', () => {
  it('a scalar on an either/or criterion replaces its first alternative in every market; the gmv alternative and the label follow', () => {
    const simulated = applyChanges(catalog, '2026-11', ['TH'], [{ program: 'top-choice', criterion: 'volume', threshold: 200 }]);
    for (const market of ['TH', 'PH', 'MY'] as const) {
      const volume = compiledCriterion(simulated, market, '2026-11', 'top-choice', 'volume');
      expect(volume.anyOf?.map((alt) => [alt.metric, alt.threshold]), market).toEqual([
        ['completedOrders', 200],
        ['gmv', compiledCriterion(catalog, market, '2026-11', 'top-choice', 'volume').anyOf?.[1]?.threshold],
      ]);
    }
    expect(compiledCriterion(simulated, 'TH', '2026-11', 'top-choice', 'volume').label).toBe('200 completed orders or THB35,000 sales');
  });

  it('`metric` picks the alternative: gmv 5,000,000 in TH only, the orders alternative keeps 150', () => {
    const simulated = applyChanges(catalog, '2026-11', ['TH'], [{ program: 'top-choice', criterion: 'volume', metric: 'gmv', threshold: { TH: 5_000_000 } }]);
    expect(compiledCriterion(simulated, 'TH', '2026-11', 'top-choice', 'volume').anyOf?.map((alt) => alt.threshold)).toEqual([150, 5_000_000]);
    expect(compiledCriterion(simulated, 'MY', '2026-11', 'top-choice', 'volume').anyOf?.map((alt) => alt.threshold)).toEqual([150, 350_000]);
  });

  it('a per-market threshold changes the markets it names; the others keep the catalog value (per-market and scalar criteria)', () => {
    const simulated = applyChanges(catalog, '2026-11', undefined, [
      { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5 } },
      { program: 'top-choice', criterion: 'unique-buyers', threshold: { PH: 20, VN: 10 } },
    ]);
    const rating = (m: Market) => compiledCriterion(simulated, m, '2026-11', 'top-choice', 'shop-rating').threshold;
    const buyers = (m: Market) => compiledCriterion(simulated, m, '2026-11', 'top-choice', 'unique-buyers').threshold;
    expect([rating('TH'), rating('PH'), rating('MY')]).toEqual([4.5, 4.0, 4.2]);
    expect([buyers('PH'), buyers('VN'), buyers('TH'), buyers('ID')]).toEqual([20, 10, 15, 15]);
  });

  it('changes apply in order: a scalar, then one market on top of it', () => {
    const simulated = applyChanges(catalog, '2026-11', undefined, [
      { program: 'top-choice', criterion: 'volume', threshold: 200 },
      { program: 'top-choice', criterion: 'volume', metric: 'completedOrders', threshold: { TH: 250 } },
    ]);
    expect(compiledCriterion(simulated, 'TH', '2026-11', 'top-choice', 'volume').threshold).toBe(250);
    expect(compiledCriterion(simulated, 'MY', '2026-11', 'top-choice', 'volume').threshold).toBe(200);
  });

  it('only the version in force that month changes: simulating 2027-01 leaves 2026-12 (version 2024-09-27) as it is', () => {
    const simulated = applyChanges(catalog, '2027-01', ['PH'], [{ program: 'top-choice', criterion: 'volume', threshold: { PH: 175 } }]);
    expect(compiledCriterion(simulated, 'PH', '2027-01', 'top-choice', 'volume').threshold).toBe(175);
    expect(compiledCriterion(simulated, 'PH', '2026-12', 'top-choice', 'volume').threshold).toBe(100);
    const versions = (from: Catalog) => compileRules(from, 'PH', '2027-01').programs.map((p) => p.version);
    expect(versions(simulated)).toEqual(versions(catalog));
  });

  it('status and boolean thresholds of their own type are accepted', () => {
    const simulated = applyChanges(catalog, '2026-03', ['US'], [
      { program: 'gold-star', criterion: 'status', threshold: 'inactive' },
      { program: 'gold-star', criterion: 'logo', threshold: false },
    ]);
    expect(compiledCriterion(simulated, 'US', '2026-03', 'gold-star', 'status').threshold).toBe('inactive');
    expect(compiledCriterion(simulated, 'US', '2026-03', 'gold-star', 'logo').threshold).toBe(false);
  });

  it('the catalog given is not modified, and programs without a change are the same objects', () => {
    const before = JSON.stringify(catalog);
    const simulated = applyChanges(catalog, '2026-11', ['TH'], [
      { program: 'top-choice', criterion: 'volume', threshold: 200 },
      { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5 } },
    ]);
    expect(JSON.stringify(catalog)).toBe(before);
    expect(JSON.stringify(loadCatalog())).toBe(before);
    const changed = catalog.programs.findIndex((p) => p.id === 'top-choice' && p.version === '2024-09-27');
    simulated.programs.forEach((p, i) => (i === changed ? expect(p).not.toBe(catalog.programs[i]) : expect(p, p.id).toBe(catalog.programs[i])));
  });

  it('no changes: the same catalog', () => {
    expect(applyChanges(catalog, '2026-11', ['TH'], [])).toEqual(catalog);
  });

  it('a shop is evaluated with the simulated thresholds: 180 orders pass 150 and fail 200', () => {
    const simulated = applyChanges(catalog, '2026-11', ['TH'], [{ program: 'top-choice', criterion: 'volume', threshold: 200 }]);
    const metrics = passingMetrics({ completedOrders: 180, gmv: 1_000_000 });
    expect(evaluateShop(shop('TH'), { metrics }, compileRules(catalog, 'TH', '2026-11')).badge?.program).toBe('top-choice');
    const after = evaluateShop(shop('TH'), { metrics }, compileRules(simulated, 'TH', '2026-11'));
    expect(after.badge).toBeNull();
    expect(after.programs.find((p) => p.program === 'top-choice')).toMatchObject({ version: '2024-09-27', eligible: false });
  });
});

describe('applyChanges: each bad change is a 400 naming changes.<i>.<field> and quoting the value', () => {
  const single = (error: AppError) => {
    expect(error.code).toBe('bad_request');
    expect(error.status).toBe(400);
    expect(error.details).toHaveLength(1);
    const detail = error.details[0] as { path: string; message: string };
    expect(error.message).toContain(detail.message);
    return detail;
  };

  it('an unknown program', () => {
    const detail = single(changeErrorOf([{ program: 'top-chioce', criterion: 'volume', threshold: 200 }]));
    expect(detail.path).toBe('changes.0.program');
    expect(detail.message).toMatch(/^unknown program "top-chioce": use one of .*top-choice/);
  });

  it('a program not in effect that month', () => {
    const detail = single(changeErrorOf([{ program: 'star-shop', criterion: 'completed-orders', threshold: 50 }], ['US']));
    expect(detail).toEqual({ path: 'changes.0.program', message: 'program "star-shop" is not in effect in 2026-11 (its versions cover ..2025-06)' });
  });

  it('a requested market the program does not cover', () => {
    const detail = single(changeErrorOf([{ program: 'top-choice', criterion: 'volume', threshold: 200 }], ['TH', 'US']));
    expect(detail).toEqual({ path: 'changes.0.program', message: 'program "top-choice" does not cover market "US" of the run (it covers TH, MY, VN, PH, SG, ID)' });
  });

  it('an unknown criterion', () => {
    const detail = single(changeErrorOf([{ program: 'top-choice', criterion: 'volumes', threshold: 200 }]));
    expect(detail.path).toBe('changes.0.criterion');
    expect(detail.message).toMatch(/^unknown criterion "volumes" of program "top-choice": use one of volume, unique-buyers, /);
  });

  it('an unknown metric, and a real metric that is not an alternative of the criterion', () => {
    expect(single(changeErrorOf([{ program: 'top-choice', criterion: 'volume', metric: 'orders', threshold: 200 }]))).toEqual({
      path: 'changes.0.metric',
      message: 'unknown metric "orders": criterion "volume" of program "top-choice" takes completedOrders or gmv',
    });
    expect(single(changeErrorOf([{ program: 'top-choice', criterion: 'volume', metric: 'gmv365d', threshold: 200 }]))).toEqual({
      path: 'changes.0.metric',
      message: 'metric "gmv365d" is not a metric of criterion "volume" of program "top-choice" (it takes completedOrders or gmv)',
    });
    expect(single(changeErrorOf([{ program: 'top-choice', criterion: 'shop-rating', metric: 'gmv', threshold: 4.5 }])).message).toBe(
      'metric "gmv" is not a metric of criterion "shop-rating" of program "top-choice" (it takes shopRating)',
    );
  });

  it('a per-market threshold naming a market the program does not cover names that market', () => {
    expect(single(changeErrorOf([{ program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5, US: 4.5 } }]))).toEqual({
      path: 'changes.0.threshold.US',
      message: 'program "top-choice" does not cover market "US" (it covers TH, MY, VN, PH, SG, ID)',
    });
    expect(single(changeErrorOf([{ program: 'top-choice', criterion: 'shop-rating', threshold: {} }])).path).toBe('changes.0.threshold');
  });

  it('a threshold of the wrong type for its metric', () => {
    const cases: [ThresholdChange, string, string][] = [
      [{ program: 'top-choice', criterion: 'volume', threshold: '200' }, 'changes.0.threshold', 'threshold "200" of metric "completedOrders" must be a number'],
      [{ program: 'top-choice', criterion: 'status', threshold: 1 }, 'changes.0.threshold', 'threshold 1 of metric "status" must be a shop status (active, inactive, suspended, closed)'],
      [{ program: 'top-choice', criterion: 'status', threshold: 'open' }, 'changes.0.threshold', 'threshold "open" of metric "status" must be a shop status (active, inactive, suspended, closed)'],
      [{ program: 'top-choice', criterion: 'shop-rating', threshold: { TH: true } }, 'changes.0.threshold.TH', 'threshold true of metric "shopRating" must be a number'],
      [{ program: 'top-choice', criterion: 'late-dispatch-rate', threshold: 3 }, 'changes.0.threshold', 'threshold 3 of metric "lateDispatchRate" must be a fraction from 0 to 1 (3% is 0.03)'],
    ];
    for (const [change, path, message] of cases) expect(single(changeErrorOf([change])), JSON.stringify(change)).toEqual({ path, message });
    expect(single(changeErrorOf([{ program: 'gold-star', criterion: 'logo', threshold: 'yes' }], ['US'], '2026-03'))).toEqual({
      path: 'changes.0.threshold',
      message: 'threshold "yes" of metric "hasLogo" must be true or false',
    });
  });

  it('every bad change is named at once, by its index; the good ones do not hide them', () => {
    const error = changeErrorOf([
      { program: 'top-choice', criterion: 'volume', threshold: 200 },
      { program: 'top-chioce', criterion: 'volume', threshold: 200 },
      { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 'high', SG: 4.5 } },
    ]);
    expect(error.details.map((d) => d.path)).toEqual(['changes.1.program', 'changes.2.threshold.TH']);
    expect(error.message).toBe(
      'invalid changes: changes.1.program: unknown program "top-chioce": use one of mall, top-choice, star-shop, gold-star, silver-star, official-shop, authorized-seller, top-brand, top-program; changes.2.threshold.TH: threshold "high" of metric "shopRating" must be a number',
    );
  });
});

describe('the changes schema (for the HTTP layer): the shape only, messages quoting the value', () => {
  it('accepts the contract example', () => {
    const changes = [
      { program: 'top-choice', criterion: 'volume', metric: 'completedOrders', threshold: 200 },
      { program: 'top-choice', criterion: 'shop-rating', threshold: { TH: 4.5 } },
    ];
    expect(changesSchema.parse(changes)).toEqual(changes);
  });

  it('names the field of a malformed change', () => {
    const result = changesSchema.safeParse([
      { program: 'top-choice', criterion: 'volume', threshold: 200 },
      { program: 'top-choice', criterion: 'volume', threshold: [200] },
      { program: 7, criterion: 'volume', threshold: 200 },
      { program: 'top-choice', criterion: 'volume', threshold: 200, markets: ['TH'] },
      { program: 'top-choice', criterion: 'volume' },
    ]);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['1.threshold', 'threshold [200] must be a number, a status, true or false, or a value per market such as {"TH": 200}'],
      ['2.program', 'program 7 must be a string: a program id such as "top-choice"'],
      ['3', expect.stringContaining('markets')],
      ['4.threshold', 'threshold is required: a number, a status, true or false, or a value per market such as {"TH": 200}'],
    ]);
  });
});

// --- The diff -------------------------------------------------------------------------------------

function result(program: string, outcome: { failed?: string[]; excludedBy?: 'mall' }): ProgramResult {
  const failed = outcome.failed ?? [];
  const criteria = failed.map((id) => ({ id, label: id, metric: 'completedOrders' as const, op: '>=' as const, threshold: 1, actual: 0, passed: false }));
  criteria.push({ id: 'status', label: 'status', metric: 'completedOrders', op: '>=', threshold: 1, actual: 1, passed: true });
  return { program, label: program, version: 'v', eligible: failed.length === 0 && !outcome.excludedBy, excludedBy: outcome.excludedBy ?? null, criteria };
}

function simulated(shopId: string, before: string | null, after: string | null, programs: ProgramResult[]): SimulatedShop {
  const afterResult: Pick<ShopEvaluation, 'programs'> = { programs };
  return { shopId, before, after, afterResult };
}

/**
 * Six TH shops worked by hand. An excluded TopChoice result carries a failing criterion here (the engine
 * gives it none) to pin that excluded shops are not counted.
 */
const SIX: SimulatedShop[] = [
  simulated('th-000001', 'top-choice', null, [result('mall', { failed: ['certification'] }), result('top-choice', { failed: ['volume'] })]),
  simulated('th-000002', null, 'top-choice', [result('mall', { failed: ['certification'] }), result('top-choice', {})]),
  simulated('th-000003', 'mall', 'mall', [result('mall', {}), result('top-choice', { excludedBy: 'mall', failed: ['volume'] })]),
  simulated('th-000004', null, null, [result('mall', { failed: ['certification'] }), result('top-choice', { failed: ['volume', 'shop-rating'] })]),
  simulated('th-000005', 'top-choice', 'mall', [result('mall', {}), result('top-choice', { excludedBy: 'mall' })]),
  simulated('th-000006', 'top-choice', 'top-choice', [result('mall', { failed: ['certification'] }), result('top-choice', {})]),
];

const SIX_DIFF: PolicyDiff = {
  gained: 1, // 2
  lost: 1, // 1
  changed: 1, // 5
  unchanged: 3, // 3, 4, 6
  byProgram: {
    mall: { before: 1, after: 2 }, // before 3; after 3, 5
    'top-choice': { before: 3, after: 2 }, // before 1, 5, 6; after 2, 6
  },
  failing: {
    'mall/certification': 4, // 1, 2, 4, 6
    'top-choice/shop-rating': 1, // 4
    'top-choice/volume': 2, // 1, 4 (not 3: excluded)
  },
  shops: [
    { shopId: 'th-000001', before: 'top-choice', after: null },
    { shopId: 'th-000002', before: null, after: 'top-choice' },
    { shopId: 'th-000005', before: 'top-choice', after: 'mall' },
  ],
};

const diffOf = (shops: SimulatedShop[]) => shops.reduce((diff, s) => diff.add(s), new SimulationDiff());
/** What a segment stores and the run reads back. */
const stored = (diff: SimulationDiff): PolicyDiff => JSON.parse(JSON.stringify(diff)) as PolicyDiff;

describe('SimulationDiff: the contract diff, counted shop by shop', () => {
  it('six shops worked by hand: gained, lost, changed, unchanged, byProgram, failing and the shops that differ', () => {
    const diff = diffOf(SIX);
    expect(diff.toJSON()).toEqual(SIX_DIFF);
    expect(diff.evaluated).toBe(6);
  });

  it('no shops: all zero, empty maps', () => {
    expect(new SimulationDiff().toJSON()).toEqual({ gained: 0, lost: 0, changed: 0, unchanged: 0, byProgram: {}, failing: {}, shops: [] });
  });

  it('the order shops are added in does not matter, key order included', () => {
    expect(JSON.stringify(diffOf([...SIX].reverse()))).toBe(JSON.stringify(diffOf(SIX)));
  });

  it('partial diffs merge to the whole, in every order, through their JSON', () => {
    const parts = [diffOf([SIX[0], SIX[3]] as SimulatedShop[]), diffOf([SIX[1], SIX[4], SIX[5]] as SimulatedShop[]), diffOf([SIX[2]] as SimulatedShop[])].map(stored);
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const order of orders) {
      const merged = order.reduce((diff, k) => diff.merge(parts[k] as PolicyDiff), new SimulationDiff());
      expect(JSON.stringify(merged), order.join()).toBe(JSON.stringify(SIX_DIFF));
    }
    expect(SimulationDiff.from(parts[0] as PolicyDiff).merge(parts[1] as PolicyDiff).merge(parts[2] as PolicyDiff).evaluated).toBe(6);
  });

  it('a merge of merges is the same: (a + b) + c = a + (b + c)', () => {
    const [a, b, c] = [diffOf(SIX.slice(0, 2)), diffOf(SIX.slice(2, 4)), diffOf(SIX.slice(4))].map(stored) as [PolicyDiff, PolicyDiff, PolicyDiff];
    const left = SimulationDiff.from(stored(SimulationDiff.from(a).merge(b))).merge(c);
    const right = SimulationDiff.from(a).merge(stored(SimulationDiff.from(b).merge(c)));
    expect(left.toJSON()).toEqual(SIX_DIFF);
    expect(right.toJSON()).toEqual(SIX_DIFF);
  });

  it(`keeps the first ${DIFF_SHOP_LIMIT} differing shops by ascending shopId across segments; the counts keep all 250`, () => {
    const id = (n: number) => `th-${String(n).padStart(6, '0')}`;
    // 250 lost shops in a scrambled order (37 and 250 are coprime), dealt into three segments.
    const order = Array.from({ length: 250 }, (_, k) => (k * 37) % 250);
    const segments = [0, 1, 2].map((s) => diffOf(order.filter((_, k) => k % 3 === s).map((n) => simulated(id(n), 'top-choice', null, []))));
    const merged = [2, 0, 1].reduce((diff, s) => diff.merge(stored(segments[s] as SimulationDiff)), new SimulationDiff()).toJSON();

    expect(merged.lost).toBe(250);
    expect(merged.byProgram).toEqual({ 'top-choice': { before: 250, after: 0 } });
    expect(merged.shops).toHaveLength(DIFF_SHOP_LIMIT);
    expect(merged.shops.map((s) => s.shopId)).toEqual(Array.from({ length: DIFF_SHOP_LIMIT }, (_, n) => id(n)));
    for (const segment of segments) expect(segment.toJSON().shops.length).toBeLessThanOrEqual(DIFF_SHOP_LIMIT);
  });

  it('end to end in the domain: TH shops with 150, 180 and 250 orders under "top-choice volume 200"', () => {
    const rulesBefore = compileRules(catalog, 'TH', '2026-11');
    const rulesAfter = compileRules(applyChanges(catalog, '2026-11', ['TH'], [{ program: 'top-choice', criterion: 'volume', threshold: 200 }]), 'TH', '2026-11');
    const diff = new SimulationDiff();
    [150, 180, 250].forEach((orders, n) => {
      const profile = shop('TH', [], `th-00000${n + 1}`);
      const metrics = passingMetrics({ completedOrders: orders, gmv: 1_000_000 });
      const before = evaluateShop(profile, { metrics }, rulesBefore).badge?.program ?? null;
      const afterResult = evaluateShop(profile, { metrics }, rulesAfter);
      diff.add({ shopId: profile.shopId, before, after: afterResult.badge?.program ?? null, afterResult });
    });
    expect(diff.toJSON()).toEqual({
      gained: 0,
      lost: 2,
      changed: 0,
      unchanged: 1,
      byProgram: { 'top-choice': { before: 3, after: 1 } },
      failing: { 'mall/certification': 3, 'top-choice/volume': 2 },
      shops: [
        { shopId: 'th-000001', before: 'top-choice', after: null },
        { shopId: 'th-000002', before: 'top-choice', after: null },
      ],
    });
  });
});
