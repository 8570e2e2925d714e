import { describe, it, expect } from 'vitest';
import type { z } from 'zod';
import { CATALOG, CatalogError, loadCatalog } from '../../shared/programs';
import type { catalogSchema } from '../../shared/programs/schema';
import { compileRules } from '../../shared/domain/rules';
import { evaluateShop } from '../../shared/domain/evaluate';
import { passingMetrics, shop } from './shop-fixtures';

type CatalogInput = z.input<typeof catalogSchema>;
type ProgramInput = CatalogInput['programs'][number];
type CriterionInput = ProgramInput['criteria'][number];

function programIndex(catalog: CatalogInput, id: string): number {
  const i = catalog.programs.findIndex((p) => p.id === id);
  if (i < 0) throw new Error(`no program ${id} in the catalog`);
  return i;
}

function programOf(catalog: CatalogInput, id: string): ProgramInput {
  return catalog.programs[programIndex(catalog, id)] as ProgramInput;
}

function criterionIndex(program: ProgramInput, id: string): number {
  const j = program.criteria.findIndex((c) => c.id === id);
  if (j < 0) throw new Error(`no criterion ${id} in ${program.id}`);
  return j;
}

function criterionOf(program: ProgramInput, id: string): CriterionInput {
  return program.criteria[criterionIndex(program, id)] as CriterionInput;
}

/** The CatalogError that loading `definition` throws (fails the test when it loads). */
function catalogErrorOf(definition: unknown): CatalogError {
  try {
    loadCatalog(definition);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error('the broken catalog loaded without an error');
}

describe('the shipped catalog', () => {
  it('loads and validates', () => {
    const catalog = loadCatalog();
    expect([...new Set(catalog.programs.map((p) => p.id))].sort()).toEqual(
      ['authorized-seller', 'gold-star', 'mall', 'official-shop', 'silver-star', 'star-shop', 'top-brand', 'top-choice', 'top-program'].sort(),
    );
    expect(catalog.programs.filter((p) => p.id === 'top-choice').map((p) => [p.version, p.effective])).toEqual([
      ['2024-09-27', { to: '2026-12' }],
      ['2027-01-01', { from: '2027-01' }],
    ]);
  });

  it('precedence is mall > official-shop > top-program > authorized-seller > top-brand > top-choice > gold-star > silver-star > star-shop', () => {
    expect(loadCatalog().precedence).toEqual([
      'mall',
      'official-shop',
      'top-program',
      'authorized-seller',
      'top-brand',
      'top-choice',
      'gold-star',
      'silver-star',
      'star-shop',
    ]);
  });

  it('Mall and TopChoice run in TH, MY, VN, PH, SG and ID; every other program only in the US; GB has none', () => {
    const catalog = loadCatalog();
    const marketsOf = (id: string) => [...(catalog.programs.find((p) => p.id === id)?.markets ?? [])].sort();
    expect(marketsOf('mall')).toEqual(['ID', 'MY', 'PH', 'SG', 'TH', 'VN']);
    expect(marketsOf('top-choice')).toEqual(['ID', 'MY', 'PH', 'SG', 'TH', 'VN']);
    for (const id of ['star-shop', 'gold-star', 'silver-star', 'official-shop', 'authorized-seller', 'top-brand', 'top-program']) {
      expect(marketsOf(id), id).toEqual(['US']);
    }
    expect(catalog.programs.filter((p) => p.markets.includes('GB'))).toEqual([]);
  });

  it('TopChoice is version 2024-09-27 and excludes Mall shops', () => {
    const topChoice = loadCatalog().programs.find((p) => p.id === 'top-choice');
    expect(topChoice?.version).toBe('2024-09-27');
    expect(topChoice?.excludedBy).toEqual(['mall']);
  });

  it('loading does not depend on the caller: two loads give equal catalogs', () => {
    expect(JSON.stringify(loadCatalog())).toBe(JSON.stringify(loadCatalog(structuredClone(CATALOG))));
  });
});

describe('a broken definition fails to load with CatalogError naming the path', () => {
  it('a per-market threshold missing one of the program markets: programs.<i>.criteria.<j>.threshold, no threshold for market PH', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'top-choice');
    const program = programOf(broken, 'top-choice');
    const j = criterionIndex(program, 'negative-review-rate');
    const criterion = criterionOf(program, 'negative-review-rate');
    if (!('threshold' in criterion) || typeof criterion.threshold !== 'object') throw new Error('negative-review-rate has per-market thresholds');
    delete criterion.threshold.PH;

    const error = catalogErrorOf(broken);
    expect(error.issues).toEqual([{ path: `programs.${i}.criteria.${j}.threshold`, message: 'no threshold for market PH' }]);
    expect(error.message).toContain(`programs.${i}.criteria.${j}.threshold: no threshold for market PH`);
  });

  it('a missing market threshold inside an either/or criterion names the alternative', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'top-choice');
    const program = programOf(broken, 'top-choice');
    const j = criterionIndex(program, 'volume');
    const volume = criterionOf(program, 'volume');
    if (!('anyOf' in volume)) throw new Error('volume is an either/or criterion');
    const gmv = volume.anyOf[1];
    if (!gmv || typeof gmv.threshold !== 'object') throw new Error('volume gmv has per-market thresholds');
    delete gmv.threshold.SG;

    expect(catalogErrorOf(broken).issues).toEqual([{ path: `programs.${i}.criteria.${j}.anyOf.1.threshold`, message: 'no threshold for market SG' }]);
  });

  it('an unknown metric (a typo) names the criterion field', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'top-choice');
    const program = programOf(broken, 'top-choice');
    const j = criterionIndex(program, 'late-dispatch-rate');
    Object.assign(criterionOf(program, 'late-dispatch-rate'), { metric: 'lateDispachRate' });

    const error = catalogErrorOf(broken);
    expect(error.issues.map((issue) => issue.path)).toEqual([`programs.${i}.criteria.${j}.metric`]);
    expect(error.message).toContain(`programs.${i}.criteria.${j}.metric`);
  });

  it('an unknown metric inside an either/or alternative names the alternative', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'top-choice');
    const program = programOf(broken, 'top-choice');
    const j = criterionIndex(program, 'volume');
    const volume = criterionOf(program, 'volume');
    if (!('anyOf' in volume) || !volume.anyOf[1]) throw new Error('volume is an either/or criterion');
    Object.assign(volume.anyOf[1], { metric: 'sales' });

    expect(catalogErrorOf(broken).issues.map((issue) => issue.path)).toEqual([`programs.${i}.criteria.${j}.anyOf.1.metric`]);
  });

  it('a per-market threshold of the wrong type names the market', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'top-choice');
    const program = programOf(broken, 'top-choice');
    const j = criterionIndex(program, 'shop-rating');
    const rating = criterionOf(program, 'shop-rating');
    if (!('threshold' in rating) || typeof rating.threshold !== 'object') throw new Error('shop-rating has per-market thresholds');
    Object.assign(rating.threshold, { PH: [4.0] });

    expect(catalogErrorOf(broken).issues.map((issue) => issue.path)).toEqual([`programs.${i}.criteria.${j}.threshold.PH`]);
  });

  it('an unknown field on a program names the program and the key', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'gold-star');
    Object.assign(programOf(broken, 'gold-star'), { colour: 'gold' });

    const error = catalogErrorOf(broken);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe(`programs.${i}`);
    expect(error.issues[0]?.message).toContain('colour');
  });

  it('an unknown field on a criterion names the criterion and the key', () => {
    const broken = structuredClone(CATALOG);
    const i = programIndex(broken, 'star-shop');
    const program = programOf(broken, 'star-shop');
    const j = criterionIndex(program, 'completed-orders');
    Object.assign(criterionOf(program, 'completed-orders'), { tresholds: 100 });

    const error = catalogErrorOf(broken);
    expect(error.issues.map((issue) => issue.path)).toEqual([`programs.${i}.criteria.${j}`]);
    expect(error.message).toContain('tresholds');
  });

  it('a second version with the same version string names its version; overlapping months name its effective months', () => {
    const broken = structuredClone(CATALOG);
    const first = programIndex(broken, 'top-choice');
    broken.programs.push(structuredClone(programOf(broken, 'top-choice')));
    const copy = broken.programs.length - 1;

    expect(catalogErrorOf(broken).issues).toEqual([
      {
        path: `programs.${copy}.version`,
        message: `version 2024-09-27 of top-choice is already used by programs.${first}: give the new version its own version string`,
      },
      {
        path: `programs.${copy}.effective`,
        message: `version 2024-09-27 of top-choice (..2026-12) overlaps version 2024-09-27 (programs.${first}, ..2026-12): end the older version the month before the newer one starts`,
      },
    ]);
  });

  it('two versions in force in one month are refused: the later one names the clash', () => {
    const broken = structuredClone(CATALOG);
    const i = broken.programs.findIndex((p) => p.id === 'top-choice' && p.version === '2027-01-01');
    const newer = broken.programs[i] as ProgramInput;
    newer.effective = { from: '2026-11' };

    expect(catalogErrorOf(broken).issues).toEqual([
      {
        path: `programs.${i}.effective`,
        message: `version 2027-01-01 of top-choice (2026-11..) overlaps version 2024-09-27 (programs.${programIndex(broken, 'top-choice')}, ..2026-12): end the older version the month before the newer one starts`,
      },
    ]);
  });

  it('an open-ended older version with a newer one after it overlaps it', () => {
    const broken = structuredClone(CATALOG);
    programOf(broken, 'top-choice').effective = {};
    const i = broken.programs.findIndex((p) => p.id === 'top-choice' && p.version === '2027-01-01');

    expect(catalogErrorOf(broken).issues.map((issue) => issue.path)).toEqual([`programs.${i}.effective`]);
  });

  it('a gap between consecutive versions names the first month no version covers', () => {
    const broken = structuredClone(CATALOG);
    const i = broken.programs.findIndex((p) => p.id === 'top-choice' && p.version === '2027-01-01');
    (broken.programs[i] as ProgramInput).effective = { from: '2027-03' };

    expect(catalogErrorOf(broken).issues).toEqual([
      {
        path: `programs.${i}.effective.from`,
        message: `no version of top-choice is in effect 2027-01..2027-02, between version 2024-09-27 (programs.${programIndex(broken, 'top-choice')}, ..2026-12) and 2027-01-01: start it 2027-01`,
      },
    ]);
  });

  it('versions are checked in month order, whatever their order in the file', () => {
    const definition = structuredClone(CATALOG);
    definition.programs.reverse();
    const catalog = loadCatalog(definition);
    expect(compileRules(catalog, 'TH', '2026-11').programs.find((p) => p.id === 'top-choice')?.version).toBe('2024-09-27');
    expect(compileRules(catalog, 'TH', '2027-01').programs.find((p) => p.id === 'top-choice')?.version).toBe('2027-01-01');
  });

  it('precedence listing a program twice names the second place', () => {
    const broken = structuredClone(CATALOG);
    broken.precedence.push('mall');

    expect(catalogErrorOf(broken).issues).toEqual([
      { path: `precedence.${broken.precedence.length - 1}`, message: 'program mall is listed twice (also precedence.0): list each program once' },
    ]);
  });

  it('precedence naming an unknown program names its position', () => {
    const broken = structuredClone(CATALOG);
    broken.precedence.push('platinum-star');

    expect(catalogErrorOf(broken).issues).toEqual([{ path: `precedence.${broken.precedence.length - 1}`, message: 'unknown program platinum-star' }]);
  });

  it('a program missing from precedence is an error too (it could never win)', () => {
    const broken = structuredClone(CATALOG);
    broken.precedence = broken.precedence.filter((id) => id !== 'star-shop');

    expect(catalogErrorOf(broken).issues).toEqual([{ path: 'precedence', message: 'program star-shop has no place in precedence' }]);
  });

  it('an unknown market and an impossible effective month are errors', () => {
    const badMarket = structuredClone(CATALOG);
    Object.assign(programOf(badMarket, 'mall'), { markets: ['TH', 'XX'] });
    expect(catalogErrorOf(badMarket).issues.map((issue) => issue.path)).toEqual([`programs.${programIndex(badMarket, 'mall')}.markets.1`]);

    const badMonth = structuredClone(CATALOG);
    Object.assign(programOf(badMonth, 'star-shop'), { effective: { to: '2025-13' } });
    expect(catalogErrorOf(badMonth).issues.map((issue) => issue.path)).toEqual([`programs.${programIndex(badMonth, 'star-shop')}.effective.to`]);
  });

  it('the error lists every problem at once', () => {
    const broken = structuredClone(CATALOG);
    broken.precedence.push('platinum-star');
    Object.assign(programOf(broken, 'gold-star'), { colour: 'gold' });
    expect(catalogErrorOf(broken).issues.length).toBeGreaterThanOrEqual(2);
  });
});

describe('adding a market to a program is one data edit', () => {
  it('TopChoice in GB: add GB to the markets and its per-market thresholds, and a GB shop is evaluated for it', () => {
    const definition = structuredClone(CATALOG);
    for (const topChoice of definition.programs.filter((p) => p.id === 'top-choice')) {
      topChoice.markets.push('GB');
      for (const criterion of topChoice.criteria) {
        const conditions = 'anyOf' in criterion ? criterion.anyOf : [criterion];
        for (const condition of conditions) {
          if (typeof condition.threshold !== 'object') continue;
          condition.threshold.GB = condition.metric === 'gmv' ? 500_000 : (condition.threshold.MY as number);
        }
      }
    }
    const catalog = loadCatalog(definition);

    const rules = compileRules(catalog, 'GB', '2026-11');
    expect(rules.programs.map((p) => p.id)).toEqual(['top-choice']);
    expect(rules.programs[0]?.criteria[0]?.label).toBe('150 completed orders or GBP5,000 sales');

    const qualifying = evaluateShop(shop('GB'), { metrics: passingMetrics() }, rules);
    expect(qualifying.badge).toEqual({ program: 'top-choice', label: 'TopChoice' });
    const failing = evaluateShop(shop('GB'), { metrics: passingMetrics({ shopRating: 4.2 }) }, rules);
    expect(failing.badge).toBeNull();

    // The shipped catalog is untouched: GB still has no programs.
    expect(compileRules(loadCatalog(), 'GB', '2026-11').programs).toEqual([]);
  });

  it('adding a market without its per-market thresholds is refused at load time', () => {
    const definition = structuredClone(CATALOG);
    programOf(definition, 'top-choice').markets.push('GB');
    const issues = catalogErrorOf(definition).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.message).toBe('no threshold for market GB');
  });
});

describe('a threshold change is a new program version from a badge month', () => {
  const catalog = loadCatalog();
  const topChoiceIn = (market: 'PH' | 'TH', month: string) => {
    const program = compileRules(catalog, market, month).programs.find((p) => p.id === 'top-choice');
    if (!program) throw new Error(`no TopChoice in ${market} ${month}`);
    return program;
  };
  const ordersThreshold = (market: 'PH' | 'TH', month: string) => topChoiceIn(market, month).criteria[0]?.anyOf?.[0]?.threshold;

  it('PH up to 2026-12 keeps version 2024-09-27 and 100 completed orders (programs.md)', () => {
    for (const month of ['2024-10', '2026-11', '2026-12']) {
      expect(topChoiceIn('PH', month).version, month).toBe('2024-09-27');
      expect(ordersThreshold('PH', month), month).toBe(100);
    }
    expect(topChoiceIn('PH', '2026-12').criteria[0]?.label).toBe('100 completed orders or PHP30,000 sales');
  });

  it('PH from 2027-01 uses version 2027-01-01 and 150 completed orders', () => {
    for (const month of ['2027-01', '2027-06', '2030-12']) {
      expect(topChoiceIn('PH', month).version, month).toBe('2027-01-01');
      expect(ordersThreshold('PH', month), month).toBe(150);
    }
    expect(topChoiceIn('PH', '2027-01').criteria[0]?.label).toBe('150 completed orders or PHP30,000 sales');
  });

  it('only the volume threshold of PH changed: TH and every other criterion compile the same in both versions', () => {
    expect(topChoiceIn('TH', '2027-01').criteria).toEqual(topChoiceIn('TH', '2026-12').criteria);
    expect(topChoiceIn('PH', '2027-01').criteria.slice(1)).toEqual(topChoiceIn('PH', '2026-12').criteria.slice(1));
    expect(topChoiceIn('TH', '2027-01').version).toBe('2027-01-01');
  });

  it('a PH shop with 120 completed orders (and sales below PHP30,000) keeps TopChoice for 2026-12 and not for 2027-01; each record names its version', () => {
    const metrics = passingMetrics({ completedOrders: 120, gmv: 2_000_000 });
    const december = evaluateShop(shop('PH'), { metrics }, compileRules(catalog, 'PH', '2026-12'));
    const january = evaluateShop(shop('PH'), { metrics }, compileRules(catalog, 'PH', '2027-01'));

    expect(december.badge).toEqual({ program: 'top-choice', label: 'TopChoice' });
    expect(december.programs.find((p) => p.program === 'top-choice')).toMatchObject({ version: '2024-09-27', eligible: true });
    expect(january.badge).toBeNull();
    const failed = january.programs.find((p) => p.program === 'top-choice');
    expect(failed).toMatchObject({ version: '2027-01-01', eligible: false });
    expect(failed?.criteria.filter((c) => !c.passed).map((c) => [c.id, c.threshold, c.actual])).toEqual([['volume', 150, 120]]);
  });

  it('a program with no version in force that month is not compiled (a version that ends without a successor)', () => {
    const definition = structuredClone(CATALOG);
    definition.programs = definition.programs.filter((p) => !(p.id === 'top-choice' && p.version === '2027-01-01'));
    const ended = loadCatalog(definition);
    expect(compileRules(ended, 'PH', '2026-12').programs.map((p) => p.id)).toEqual(['mall', 'top-choice']);
    expect(compileRules(ended, 'PH', '2027-01').programs.map((p) => p.id)).toEqual(['mall']);
  });
});
