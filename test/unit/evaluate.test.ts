import { describe, it, expect } from 'vitest';
import { assessmentPeriod, dateOfDayNumber, dayNumber, type BadgeMonth, type Market } from '../../shared/domain/calendar';
import { aggregate, type MetricName, type MetricValue } from '../../shared/domain/metrics';
import { compileRules, RulesCache, type Certification } from '../../shared/domain/rules';
import { certificationFor, evaluateShop, type CriterionResult, type ProgramResult, type ShopEvaluation } from '../../shared/domain/evaluate';
import { loadCatalog } from '../../shared/programs';
import { dailyRecord, passingMetrics, shop, type Metrics } from './shop-fixtures';

const catalog = loadCatalog();
const rules = new RulesCache(catalog);
const SEA = ['TH', 'MY', 'VN', 'PH', 'SG', 'ID'] as const satisfies readonly Market[];

function evaluate(market: Market, metrics: Metrics, certifications: Certification[] = [], month: BadgeMonth = '2026-11'): ShopEvaluation {
  return evaluateShop(shop(market, certifications), { metrics }, rules.get(market, month));
}

function programOf(result: ShopEvaluation, id: string): ProgramResult {
  const program = result.programs.find((p) => p.program === id);
  if (!program) throw new Error(`${id} was not evaluated (programs: ${result.programs.map((p) => p.program).join(', ')})`);
  return program;
}

function criterionOf(result: ShopEvaluation, programId: string, criterionId: string): CriterionResult {
  const criterion = programOf(result, programId).criteria.find((c) => c.id === criterionId);
  if (!criterion) throw new Error(`${programId} has no criterion ${criterionId}`);
  return criterion;
}

const ids = (result: ShopEvaluation) => result.programs.map((p) => p.program);

/** TopChoice volume per market: completed orders, or sales in minor units (programs.md "The catalog"). */
const VOLUME: Record<(typeof SEA)[number], { orders: number; gmv: number }> = {
  MY: { orders: 150, gmv: 350_000 },
  VN: { orders: 150, gmv: 20_000_000 },
  SG: { orders: 150, gmv: 100_000 },
  PH: { orders: 100, gmv: 3_000_000 },
  TH: { orders: 150, gmv: 3_500_000 },
  ID: { orders: 150, gmv: 500_000_000 },
};

interface Boundary {
  criterion: string;
  metric: MetricName;
  op: string;
  threshold: (market: Market) => number | string;
  pass: (market: Market) => MetricValue;
  fail: (market: Market) => MetricValue;
}

/** Every TopChoice criterion but volume, with a value on each side of its operator. */
const TOP_CHOICE_BOUNDARIES: Boundary[] = [
  { criterion: 'unique-buyers', metric: 'uniqueBuyers30d', op: '>=', threshold: () => 15, pass: () => 15, fail: () => 14 },
  { criterion: 'seller-fault-cancellation-rate', metric: 'sellerFaultCancellationRate', op: '<', threshold: () => 0.03, pass: () => 0.0299, fail: () => 0.03 },
  { criterion: 'late-dispatch-rate', metric: 'lateDispatchRate', op: '<', threshold: () => 0.03, pass: () => 0.0299, fail: () => 0.03 },
  { criterion: 'seller-fault-return-rate', metric: 'sellerFaultReturnRate', op: '<', threshold: () => 0.01, pass: () => 0.0099, fail: () => 0.01 },
  { criterion: 'chat-reply-rate', metric: 'chatReplyRate24h', op: '>', threshold: () => 0.85, pass: () => 0.8501, fail: () => 0.85 },
  {
    criterion: 'negative-review-rate',
    metric: 'negativeReviewRate',
    op: '<',
    threshold: (m) => (m === 'PH' ? 0.005 : 0.004),
    pass: (m) => (m === 'PH' ? 0.0049 : 0.0039),
    fail: (m) => (m === 'PH' ? 0.005 : 0.004),
  },
  {
    criterion: 'shop-rating',
    metric: 'shopRating',
    op: '>',
    threshold: (m) => (m === 'PH' ? 4.0 : 4.2),
    pass: (m) => (m === 'PH' ? 4.01 : 4.21),
    fail: (m) => (m === 'PH' ? 4.0 : 4.2),
  },
  { criterion: 'violation-points', metric: 'violationPoints', op: '<', threshold: () => 12, pass: () => 11, fail: () => 12 },
  { criterion: 'fraud-violations', metric: 'fraudViolations', op: '=', threshold: () => 0, pass: () => 0, fail: () => 1 },
  { criterion: 'counterfeit-violations', metric: 'counterfeitViolations', op: '=', threshold: () => 0, pass: () => 0, fail: () => 1 },
  { criterion: 'status', metric: 'status', op: '=', threshold: () => 'active', pass: () => 'active', fail: () => 'suspended' },
];

describe('TopChoice: every criterion on both sides of its operator, in every market', () => {
  for (const market of SEA) {
    const { orders, gmv } = VOLUME[market];

    it(`${market}: ${orders} completed orders pass volume without any sales, ${orders - 1} fail`, () => {
      const passing = evaluate(market, passingMetrics({ completedOrders: orders, gmv: 0 }));
      expect(criterionOf(passing, 'top-choice', 'volume')).toMatchObject({ metric: 'completedOrders', op: '>=', threshold: orders, actual: orders, passed: true });
      expect(passing.badge?.program).toBe('top-choice');

      const failing = evaluate(market, passingMetrics({ completedOrders: orders - 1, gmv: 0 }));
      expect(criterionOf(failing, 'top-choice', 'volume').passed).toBe(false);
      expect(programOf(failing, 'top-choice').eligible).toBe(false);
      expect(failing.badge).toBeNull();
    });

    it(`${market}: sales of ${gmv} minor units pass volume by GMV alone (0 completed orders), ${gmv - 1} fail`, () => {
      const passing = evaluate(market, passingMetrics({ completedOrders: 0, gmv }));
      const volume = criterionOf(passing, 'top-choice', 'volume');
      expect(volume.passed).toBe(true);
      expect(volume.anyOf?.[1]).toEqual({ metric: 'gmv', op: '>=', threshold: gmv, actual: gmv, passed: true });
      expect(passing.badge?.program).toBe('top-choice');

      const failing = evaluate(market, passingMetrics({ completedOrders: 0, gmv: gmv - 1 }));
      expect(criterionOf(failing, 'top-choice', 'volume').passed).toBe(false);
      expect(failing.badge).toBeNull();
    });

    for (const b of TOP_CHOICE_BOUNDARIES) {
      it(`${market}: ${b.metric} ${String(b.pass(market))} passes "${b.op} ${String(b.threshold(market))}", ${String(b.fail(market))} fails TopChoice`, () => {
        const passing = evaluate(market, passingMetrics({ [b.metric]: b.pass(market) }));
        expect(criterionOf(passing, 'top-choice', b.criterion)).toMatchObject({
          metric: b.metric,
          op: b.op,
          threshold: b.threshold(market),
          actual: b.pass(market),
          passed: true,
        });
        expect(programOf(passing, 'top-choice').eligible).toBe(true);
        expect(passing.badge).toEqual({ program: 'top-choice', label: 'TopChoice' });

        const failing = evaluate(market, passingMetrics({ [b.metric]: b.fail(market) }));
        expect(criterionOf(failing, 'top-choice', b.criterion)).toMatchObject({ actual: b.fail(market), passed: false });
        expect(programOf(failing, 'top-choice').criteria.filter((c) => !c.passed).map((c) => c.id)).toEqual([b.criterion]);
        expect(programOf(failing, 'top-choice').eligible).toBe(false);
        expect(failing.badge).toBeNull();
      });
    }
  }

  it('PH needs 100 completed orders or PHP30,000 (3,000,000 minor units), where MY needs 150: 100 orders pass in PH and fail in MY', () => {
    expect(evaluate('PH', passingMetrics({ completedOrders: 100, gmv: 0 })).badge?.program).toBe('top-choice');
    expect(evaluate('MY', passingMetrics({ completedOrders: 100, gmv: 0 })).badge).toBeNull();
    expect(criterionOf(evaluate('PH', passingMetrics()), 'top-choice', 'volume').label).toBe('100 completed orders or PHP30,000 sales');
  });

  it('a negative review rate of 0.45% passes in PH (< 0.5%) and fails in TH (< 0.4%)', () => {
    expect(criterionOf(evaluate('PH', passingMetrics({ negativeReviewRate: 0.0045 })), 'top-choice', 'negative-review-rate').passed).toBe(true);
    expect(criterionOf(evaluate('TH', passingMetrics({ negativeReviewRate: 0.0045 })), 'top-choice', 'negative-review-rate').passed).toBe(false);
  });

  it('a shop rating of 4.1 passes in PH (> 4.0) and fails in every other market (> 4.2)', () => {
    expect(evaluate('PH', passingMetrics({ shopRating: 4.1 })).badge?.program).toBe('top-choice');
    for (const market of SEA.filter((m) => m !== 'PH')) expect(evaluate(market, passingMetrics({ shopRating: 4.1 })).badge, market).toBeNull();
  });

  it('violation points of exactly 12 fail TopChoice', () => {
    const result = evaluate('TH', passingMetrics({ violationPoints: 12 }));
    expect(criterionOf(result, 'top-choice', 'violation-points')).toMatchObject({ op: '<', threshold: 12, actual: 12, passed: false });
    expect(result.badge).toBeNull();
  });

  it('fraud violations: 0 passes, 1 fails, none reported (null) fails', () => {
    expect(criterionOf(evaluate('SG', passingMetrics({ fraudViolations: 0 })), 'top-choice', 'fraud-violations').passed).toBe(true);
    expect(criterionOf(evaluate('SG', passingMetrics({ fraudViolations: 1 })), 'top-choice', 'fraud-violations').passed).toBe(false);
    const none = evaluate('SG', passingMetrics({ fraudViolations: null }));
    expect(criterionOf(none, 'top-choice', 'fraud-violations')).toMatchObject({ actual: null, passed: false });
    expect(none.badge).toBeNull();
  });

  it('counterfeit violations: 0 passes, 1 fails, none reported (null) fails', () => {
    expect(criterionOf(evaluate('ID', passingMetrics({ counterfeitViolations: 0 })), 'top-choice', 'counterfeit-violations').passed).toBe(true);
    expect(criterionOf(evaluate('ID', passingMetrics({ counterfeitViolations: 1 })), 'top-choice', 'counterfeit-violations').passed).toBe(false);
    expect(criterionOf(evaluate('ID', passingMetrics({ counterfeitViolations: null })), 'top-choice', 'counterfeit-violations')).toMatchObject({
      actual: null,
      passed: false,
    });
  });

  it('a status other than active (inactive, suspended, closed) fails TopChoice', () => {
    for (const status of ['inactive', 'suspended', 'closed']) {
      const result = evaluate('VN', passingMetrics({ status }));
      expect(criterionOf(result, 'top-choice', 'status'), status).toMatchObject({ actual: status, passed: false });
      expect(result.badge).toBeNull();
    }
  });

  it('rates whose denominator is 0 (null) do not apply: every rate criterion passes with actual null', () => {
    const result = evaluate(
      'MY',
      passingMetrics({
        sellerFaultCancellationRate: null,
        lateDispatchRate: null,
        sellerFaultReturnRate: null,
        chatReplyRate24h: null,
        negativeReviewRate: null,
      }),
    );
    for (const id of ['seller-fault-cancellation-rate', 'late-dispatch-rate', 'seller-fault-return-rate', 'chat-reply-rate', 'negative-review-rate']) {
      expect(criterionOf(result, 'top-choice', id), id).toMatchObject({ actual: null, passed: true });
    }
    expect(result.badge?.program).toBe('top-choice');
  });

  it('a gauge with no value in the period fails with actual null (unique buyers, shop rating, violation points, status)', () => {
    for (const [metric, id] of [
      ['uniqueBuyers30d', 'unique-buyers'],
      ['shopRating', 'shop-rating'],
      ['violationPoints', 'violation-points'],
      ['status', 'status'],
    ] as const) {
      const result = evaluate('TH', passingMetrics({ [metric]: null }));
      expect(criterionOf(result, 'top-choice', id), metric).toMatchObject({ actual: null, passed: false });
      expect(result.badge, metric).toBeNull();
    }
  });

  it('TopChoice lists its twelve criteria in catalog order, each with the market threshold', () => {
    const result = evaluate('TH', passingMetrics());
    expect(programOf(result, 'top-choice')).toMatchObject({ label: 'TopChoice', version: '2024-09-27', eligible: true, excludedBy: null });
    expect(programOf(result, 'top-choice').criteria.map((c) => c.id)).toEqual([
      'volume',
      'unique-buyers',
      'seller-fault-cancellation-rate',
      'late-dispatch-rate',
      'seller-fault-return-rate',
      'chat-reply-rate',
      'negative-review-rate',
      'shop-rating',
      'violation-points',
      'fraud-violations',
      'counterfeit-violations',
      'status',
    ]);
    expect(criterionOf(result, 'top-choice', 'late-dispatch-rate').label).toBe('Late dispatch rate below 3%');
  });

  it('a shop evaluated from its daily records: 151 completed orders over the period qualify it in TH', () => {
    const period = assessmentPeriod('2026-11', 'TH');
    const records = Array.from({ length: dayNumber(period.to) - dayNumber(period.from) + 1 }, (_, i) =>
      dailyRecord(dateOfDayNumber(dayNumber(period.from) + i), {
        ordersPlaced: 6,
        ordersCancelled: i === 0 ? 1 : 0,
        ordersShipped: 5,
        ordersRefunded: 0,
        gmv: 10_000,
        chatsReceived: 2,
        chatsAnsweredWithin24h: 2,
        uniqueBuyers30d: 40,
        shopRating: 4.7,
        violationPoints: 0,
        fraudViolations: 0,
        counterfeitViolations: 0,
        status: 'active',
      }),
    );
    // 30 days of 6 orders placed, one of them cancelled on the first day: 6 x 30 - 1 = 179.
    const aggregates = aggregate(records, period);
    expect(aggregates.metrics.completedOrders).toBe(179);
    const result = evaluateShop(shop('TH'), aggregates, rules.get('TH', '2026-11'));
    expect(result.badge?.program).toBe('top-choice');
  });
});

describe('either/or criteria (TopChoice volume)', () => {
  it('carry the first alternative as metric/op/threshold/actual and both alternatives in anyOf', () => {
    const result = evaluate('TH', passingMetrics({ completedOrders: 212, gmv: 2_000_000 }));
    expect(criterionOf(result, 'top-choice', 'volume')).toEqual({
      id: 'volume',
      label: '150 completed orders or THB35,000 sales',
      metric: 'completedOrders',
      op: '>=',
      threshold: 150,
      actual: 212,
      passed: true,
      anyOf: [
        { metric: 'completedOrders', op: '>=', threshold: 150, actual: 212, passed: true },
        { metric: 'gmv', op: '>=', threshold: 3_500_000, actual: 2_000_000, passed: false },
      ],
    });
  });

  it('pass when only the second alternative passes; the criterion still shows the first alternative', () => {
    const volume = criterionOf(evaluate('VN', passingMetrics({ completedOrders: 3, gmv: 25_000_000 })), 'top-choice', 'volume');
    expect(volume).toMatchObject({ metric: 'completedOrders', threshold: 150, actual: 3, passed: true });
    expect(volume.anyOf?.map((alt) => alt.passed)).toEqual([false, true]);
    expect(volume.label).toBe('150 completed orders or VND20,000,000 sales');
  });

  it('fail when neither passes', () => {
    const volume = criterionOf(evaluate('SG', passingMetrics({ completedOrders: 149, gmv: 99_999 })), 'top-choice', 'volume');
    expect(volume.passed).toBe(false);
    expect(volume.anyOf?.map((alt) => alt.passed)).toEqual([false, false]);
  });

  it('plain criteria have no anyOf', () => {
    expect(criterionOf(evaluate('SG', passingMetrics()), 'top-choice', 'status')).not.toHaveProperty('anyOf');
  });
});

describe('Mall shops', () => {
  const mall: Certification[] = [{ type: 'mall', since: '2025-06-01' }];

  it('a Mall shop is not evaluated for TopChoice: listed with eligible false, excludedBy mall, criteria []', () => {
    const result = evaluate('TH', passingMetrics(), mall);
    expect(programOf(result, 'top-choice')).toEqual({
      program: 'top-choice',
      label: 'TopChoice',
      version: '2024-09-27',
      eligible: false,
      excludedBy: 'mall',
      criteria: [],
    });
  });

  it('the Mall badge wins, whatever the performance metrics', () => {
    for (const metrics of [passingMetrics(), passingMetrics({ completedOrders: 0, gmv: 0, status: 'suspended', fraudViolations: 3 })]) {
      const result = evaluate('PH', metrics, mall);
      expect(result.badge).toEqual({ program: 'mall', label: 'Mall' });
      expect(programOf(result, 'mall')).toMatchObject({ eligible: true, excludedBy: null });
      expect(criterionOf(result, 'mall', 'certification')).toEqual({
        id: 'certification',
        label: 'Holds the mall certification',
        metric: 'certification',
        op: 'held',
        threshold: 'mall',
        actual: true,
        passed: true,
      });
    }
  });

  it('a shop without the Mall certification is listed for Mall with the certification criterion failing', () => {
    const result = evaluate('TH', passingMetrics());
    expect(ids(result)).toEqual(['mall', 'top-choice']);
    expect(programOf(result, 'mall').eligible).toBe(false);
    expect(criterionOf(result, 'mall', 'certification')).toMatchObject({ actual: false, passed: false });
    expect(result.badge?.program).toBe('top-choice');
  });

  it('a Mall certification granted after the 1st of M, or revoked by then, neither excludes nor awards in M', () => {
    const later = evaluate('TH', passingMetrics(), [{ type: 'mall', since: '2026-11-02' }]);
    expect(programOf(later, 'top-choice').excludedBy).toBeNull();
    expect(later.badge?.program).toBe('top-choice');

    const revoked = evaluate('TH', passingMetrics(), [{ type: 'mall', since: '2025-01-01', until: '2026-11-01' }]);
    expect(programOf(revoked, 'top-choice').excludedBy).toBeNull();
    expect(revoked.badge?.program).toBe('top-choice');
  });
});

describe('certifications count for month M when granted on or before the 1st of M and not revoked by then', () => {
  const cases: [string, Certification, boolean][] = [
    ['granted on the 1st counts', { type: 'official-shop', since: '2026-02-01' }, true],
    ['granted before the 1st counts', { type: 'official-shop', since: '2025-06-30' }, true],
    ['granted on the 2nd does not count yet', { type: 'official-shop', since: '2026-02-02' }, false],
    ['until null counts', { type: 'official-shop', since: '2025-06-30', until: null }, true],
    ['until after the 1st counts', { type: 'official-shop', since: '2025-06-30', until: '2026-02-02' }, true],
    ['until on the 1st does not count', { type: 'official-shop', since: '2025-06-30', until: '2026-02-01' }, false],
    ['until before the 1st does not count', { type: 'official-shop', since: '2025-06-30', until: '2026-01-15' }, false],
    ['another type does not count', { type: 'mall', since: '2025-06-30' }, false],
  ];
  for (const [name, certification, counts] of cases) {
    it(`${name} (for 2026-02)`, () => {
      expect(certificationFor({ certifications: [certification] }, 'official-shop', '2026-02') !== null).toBe(counts);
      const result = evaluate('US', passingMetrics(), [certification], '2026-02');
      expect(criterionOf(result, 'official-shop', 'certification')).toMatchObject({ threshold: 'official-shop', actual: counts, passed: counts });
      expect(result.badge?.program).toBe(counts ? 'official-shop' : 'gold-star');
    });
  }
});

describe('US programs over time', () => {
  const usPrograms = (month: BadgeMonth) => compileRules(catalog, 'US', month).programs.map((p) => p.id);

  it('Star Shop is in effect up to 2025-06 and not in 2025-07', () => {
    expect(usPrograms('2025-06')).toContain('star-shop');
    expect(usPrograms('2025-07')).not.toContain('star-shop');
    expect(usPrograms('2024-01')).toContain('star-shop');
  });

  it('Gold and Silver Star Seller are in effect from 2025-07, not in 2025-06', () => {
    expect(usPrograms('2025-06')).not.toContain('gold-star');
    expect(usPrograms('2025-06')).not.toContain('silver-star');
    expect(usPrograms('2025-07')).toEqual(expect.arrayContaining(['gold-star', 'silver-star']));
    expect(usPrograms('2030-12')).toEqual(expect.arrayContaining(['gold-star', 'silver-star']));
  });

  it('Official Shop is in effect from 2026-01, not in 2025-12', () => {
    expect(usPrograms('2025-12')).not.toContain('official-shop');
    expect(usPrograms('2026-01')).toContain('official-shop');
  });

  it('the TOP Program is in effect only 2026-02..2026-04', () => {
    expect(usPrograms('2026-01')).not.toContain('top-program');
    for (const month of ['2026-02', '2026-03', '2026-04']) expect(usPrograms(month), month).toContain('top-program');
    expect(usPrograms('2026-05')).not.toContain('top-program');
  });

  it('the programs of a month are listed in precedence order', () => {
    expect(usPrograms('2025-06')).toEqual(['authorized-seller', 'top-brand', 'star-shop']);
    expect(usPrograms('2025-07')).toEqual(['authorized-seller', 'top-brand', 'gold-star', 'silver-star']);
    expect(usPrograms('2026-01')).toEqual(['official-shop', 'authorized-seller', 'top-brand', 'gold-star', 'silver-star']);
    expect(usPrograms('2026-03')).toEqual(['official-shop', 'top-program', 'authorized-seller', 'top-brand', 'gold-star', 'silver-star']);
    expect(compileRules(catalog, 'TH', '2026-11').programs.map((p) => p.id)).toEqual(['mall', 'top-choice']);
  });

  it('the same US shop holds Star Shop for 2025-06 and Gold Star Seller for 2025-07', () => {
    expect(evaluate('US', passingMetrics(), [], '2025-06').badge).toEqual({ program: 'star-shop', label: 'Star Shop' });
    expect(evaluate('US', passingMetrics(), [], '2025-07').badge).toEqual({ program: 'gold-star', label: 'Gold Star Seller' });
  });
});

describe('Star Shop (US, up to 2025-06)', () => {
  const cases: [string, MetricName, MetricValue, MetricValue][] = [
    ['status', 'status', 'active', 'inactive'],
    ['probation', 'probationGraduated', true, false],
    ['completed-orders', 'completedOrders', 100, 99],
    ['shop-performance-score', 'shopPerformanceScore', 4.5, 4.49],
    ['violation-points', 'violationPoints', 11, 12],
    ['fraud-violations', 'fraudViolations', 0, 1],
    ['counterfeit-violations', 'counterfeitViolations', 0, 1],
  ];
  for (const [id, metric, pass, fail] of cases) {
    it(`${metric} ${String(pass)} passes, ${String(fail)} fails Star Shop`, () => {
      const passing = evaluate('US', passingMetrics({ [metric]: pass }), [], '2025-06');
      expect(criterionOf(passing, 'star-shop', id)).toMatchObject({ metric, actual: pass, passed: true });
      expect(passing.badge?.program).toBe('star-shop');
      const failing = evaluate('US', passingMetrics({ [metric]: fail }), [], '2025-06');
      expect(criterionOf(failing, 'star-shop', id)).toMatchObject({ actual: fail, passed: false });
      expect(failing.badge).toBeNull();
    });
  }

  it('probation not reported (null) fails Star Shop', () => {
    expect(criterionOf(evaluate('US', passingMetrics({ probationGraduated: null }), [], '2025-06'), 'star-shop', 'probation')).toMatchObject({
      actual: null,
      passed: false,
    });
  });
});

describe('Gold Star Seller and Silver Star Seller (US, from 2025-07)', () => {
  const cases: [string, MetricName, MetricValue, MetricValue][] = [
    ['shop-performance-score', 'shopPerformanceScore', 4.0, 3.99],
    ['positive-product-rating-rate', 'positiveProductRatingRate', 0.8, 0.7999],
    ['status', 'status', 'active', 'closed'],
    ['logo', 'hasLogo', true, false],
  ];
  for (const [id, metric, pass, fail] of cases) {
    it(`${metric} ${String(pass)} passes, ${String(fail)} fails both Gold and Silver Star`, () => {
      const passing = evaluate('US', passingMetrics({ [metric]: pass }), [], '2025-07');
      expect(criterionOf(passing, 'gold-star', id)).toMatchObject({ actual: pass, passed: true });
      expect(criterionOf(passing, 'silver-star', id)).toMatchObject({ actual: pass, passed: true });
      const failing = evaluate('US', passingMetrics({ [metric]: fail }), [], '2025-07');
      expect(criterionOf(failing, 'gold-star', id).passed).toBe(false);
      expect(criterionOf(failing, 'silver-star', id).passed).toBe(false);
      expect(failing.badge).toBeNull();
    });
  }

  it('reputation points: 10,000 give Gold, 9,999 give Silver, 2,000 give Silver, 1,999 give none', () => {
    const badgeAt = (reputationPoints: number) => evaluate('US', passingMetrics({ reputationPoints }), [], '2025-07').badge?.program ?? null;
    expect(badgeAt(10_000)).toBe('gold-star');
    expect(badgeAt(9_999)).toBe('silver-star');
    expect(badgeAt(2_000)).toBe('silver-star');
    expect(badgeAt(1_999)).toBeNull();
  });

  it('Gold Star beats Silver Star, and Silver Star stays eligible: true', () => {
    const result = evaluate('US', passingMetrics({ reputationPoints: 10_000 }), [], '2025-07');
    expect(result.badge).toEqual({ program: 'gold-star', label: 'Gold Star Seller' });
    expect(programOf(result, 'gold-star').eligible).toBe(true);
    expect(programOf(result, 'silver-star').eligible).toBe(true);
  });

  it('no product ratings in the period (rate null) passes the positive rating criterion; a missing logo gauge fails', () => {
    const result = evaluate('US', passingMetrics({ positiveProductRatingRate: null, hasLogo: null }), [], '2025-07');
    expect(criterionOf(result, 'gold-star', 'positive-product-rating-rate')).toMatchObject({ actual: null, passed: true });
    expect(criterionOf(result, 'gold-star', 'logo')).toMatchObject({ actual: null, passed: false });
  });
});

describe('Official Shop, Authorized Seller and Top Brand (US)', () => {
  const official: Certification[] = [{ type: 'official-shop', since: '2025-11-01' }];
  const cases: [string, MetricName, MetricValue, MetricValue][] = [
    ['shop-performance-score', 'shopPerformanceScore', 3.5, 3.49],
    ['sellable-products', 'sellableProducts', 5, 4],
    ['return-window', 'returnWindowDays', 30, 29],
    ['free-shipping-share', 'freeShippingShare', 0.7, 0.69],
    ['counterfeit-violations', 'counterfeitViolations', 0, 1],
  ];
  for (const [id, metric, pass, fail] of cases) {
    it(`${metric} ${String(pass)} passes, ${String(fail)} fails Official Shop`, () => {
      const passing = evaluate('US', passingMetrics({ [metric]: pass, reputationPoints: 0 }), official, '2026-01');
      expect(criterionOf(passing, 'official-shop', id)).toMatchObject({ actual: pass, passed: true });
      expect(passing.badge?.program).toBe('official-shop');
      const failing = evaluate('US', passingMetrics({ [metric]: fail, reputationPoints: 0 }), official, '2026-01');
      expect(criterionOf(failing, 'official-shop', id)).toMatchObject({ actual: fail, passed: false });
      expect(programOf(failing, 'official-shop').eligible).toBe(false);
    });
  }

  it('Official Shop requires the official-shop certification: without it the certification criterion fails', () => {
    const result = evaluate('US', passingMetrics({ reputationPoints: 0 }), [], '2026-01');
    expect(programOf(result, 'official-shop').criteria[0]).toMatchObject({ id: 'certification', metric: 'certification', op: 'held', threshold: 'official-shop', actual: false, passed: false });
    expect(result.badge).toBeNull();
  });

  it('a US shop qualifying for Official Shop and Gold Star gets Official Shop; Gold Star stays eligible', () => {
    const result = evaluate('US', passingMetrics(), official, '2026-01');
    expect(result.badge).toEqual({ program: 'official-shop', label: 'Official Shop' });
    expect(programOf(result, 'gold-star').eligible).toBe(true);
    expect(programOf(result, 'silver-star').eligible).toBe(true);
  });

  for (const [type, label] of [
    ['authorized-seller', 'Authorized Seller'],
    ['top-brand', 'Top Brand'],
  ] as const) {
    it(`${label}: the ${type} certification plus no counterfeit violations and status active`, () => {
      const held: Certification[] = [{ type, since: '2025-01-01' }];
      expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), held, '2025-09').badge).toEqual({ program: type, label });
      expect(evaluate('US', passingMetrics({ reputationPoints: 0, counterfeitViolations: 1 }), held, '2025-09').badge).toBeNull();
      expect(evaluate('US', passingMetrics({ reputationPoints: 0, status: 'suspended' }), held, '2025-09').badge).toBeNull();
      expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), [], '2025-09').badge).toBeNull();
    });
  }

  it('precedence: Authorized Seller beats Top Brand, which beats Gold Star', () => {
    const both: Certification[] = [
      { type: 'top-brand', since: '2025-01-01' },
      { type: 'authorized-seller', since: '2025-01-01' },
    ];
    expect(evaluate('US', passingMetrics(), both, '2025-09').badge?.program).toBe('authorized-seller');
    expect(evaluate('US', passingMetrics(), [{ type: 'top-brand', since: '2025-01-01' }], '2025-09').badge?.program).toBe('top-brand');
  });
});

describe('the TOP Program (US, 2026-02..2026-04)', () => {
  const superTop = (since: string): Certification[] => [{ type: 'super-top-seller', since, until: null }];

  it('super-top-seller granted on 2026-01-27 (first day of the policy period) counts for 2026-02', () => {
    const result = evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-01-27'), '2026-02');
    expect(criterionOf(result, 'top-program', 'certification')).toMatchObject({ metric: 'certification', op: 'held', threshold: 'super-top-seller', actual: true, passed: true });
    expect(result.badge?.program).toBe('top-program');
    expect(result.badge?.label).toBe('Official Shop');
  });

  it('granted on 2026-01-26, the day before the policy period, does not count in any month', () => {
    for (const month of ['2026-02', '2026-03', '2026-04']) {
      const result = evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-01-26'), month);
      expect(criterionOf(result, 'top-program', 'certification').passed, month).toBe(false);
      expect(result.badge, month).toBeNull();
    }
  });

  it('granted after the 1st of the month does not count yet: 2026-02-03 counts for 2026-03, not 2026-02', () => {
    expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-02-03'), '2026-02').badge).toBeNull();
    expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-02-03'), '2026-03').badge?.program).toBe('top-program');
  });

  it('granted 2026-03-31 (last day of the policy period) counts for 2026-04; 2026-04-01 does not', () => {
    expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-03-31'), '2026-04').badge?.program).toBe('top-program');
    expect(evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-04-01'), '2026-04').badge).toBeNull();
  });

  it('needs gmv365d >= US$10,000,000 (1,000,000,000 minor units) and status active', () => {
    const held = superTop('2026-01-27');
    expect(evaluate('US', passingMetrics({ reputationPoints: 0, gmv365d: 1_000_000_000 }), held, '2026-02').badge?.program).toBe('top-program');
    expect(evaluate('US', passingMetrics({ reputationPoints: 0, gmv365d: 999_999_999 }), held, '2026-02').badge).toBeNull();
    expect(evaluate('US', passingMetrics({ reputationPoints: 0, gmv365d: null }), held, '2026-02').badge).toBeNull();
    expect(evaluate('US', passingMetrics({ reputationPoints: 0, status: 'inactive' }), held, '2026-02').badge).toBeNull();
  });

  it('records its benefits: commission reduction until certification + 60 days, short video content until null', () => {
    const result = evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-01-27'), '2026-02');
    expect(result.badge?.benefits).toEqual([
      { kind: 'commission-reduction', description: '3% commission reduction for the first 60 days after certification', until: '2026-03-28' },
      { kind: 'short-video-content', description: '1,000 free short video content pieces', until: null },
    ]);
    const later = evaluate('US', passingMetrics({ reputationPoints: 0 }), superTop('2026-03-01'), '2026-04');
    expect(later.badge?.benefits?.[0]?.until).toBe('2026-04-30');
  });

  it('precedence: Official Shop > TOP Program > Authorized Seller > Gold Star; badges without benefits have no benefits field', () => {
    const certs: Certification[] = [...superTop('2026-01-27'), { type: 'authorized-seller', since: '2025-01-01' }];
    expect(evaluate('US', passingMetrics(), certs, '2026-03').badge?.program).toBe('top-program');
    const official = evaluate('US', passingMetrics(), [...certs, { type: 'official-shop', since: '2025-01-01' }], '2026-03');
    expect(official.badge).toEqual({ program: 'official-shop', label: 'Official Shop' });
    expect(programOf(official, 'top-program').eligible).toBe(true);
  });
});

describe('markets without programs, and determinism', () => {
  it('GB has no programs: no programs listed and no badge', () => {
    expect(compileRules(catalog, 'GB', '2026-11').programs).toEqual([]);
    expect(evaluate('GB', passingMetrics(), [{ type: 'mall', since: '2020-01-01' }])).toEqual({ month: '2026-11', programs: [], badge: null });
  });

  it('two evaluations of the same input are identical, key order included (JSON.stringify)', () => {
    const input = passingMetrics({ completedOrders: 40, gmv: 3_600_000, shopRating: 4.1 });
    const first = evaluateShop(shop('TH'), { metrics: input }, compileRules(loadCatalog(), 'TH', '2026-11'));
    const second = evaluateShop(shop('TH'), { metrics: { ...input } }, rules.get('TH', '2026-11'));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const us = () => JSON.stringify(evaluate('US', passingMetrics({ reputationPoints: 0 }), [{ type: 'super-top-seller', since: '2026-02-01' }], '2026-03'));
    expect(us()).toBe(us());
  });

  it('the evaluation names the month it was for', () => {
    expect(evaluate('MY', passingMetrics(), [], '2027-01').month).toBe('2027-01');
  });
});
