import { describe, it, expect } from 'vitest';
import type { BadgeMonth } from '../../shared/domain/calendar';
import { RulesCache } from '../../shared/domain/rules';
import type { CriterionResult } from '../../shared/domain/evaluate';
import { gapOf, projectShop, type Projection } from '../../shared/domain/projection';
import { loadCatalog } from '../../shared/programs';
import { dailyRecord, shop } from './shop-fixtures';

const rules = new RulesCache(loadCatalog());
const thRules = (month: BadgeMonth) => rules.get('TH', month);

function criterionOf(projection: Projection, programId: string, criterionId: string): CriterionResult {
  const criterion = projection.programs.find((p) => p.program === programId)?.criteria.find((c) => c.id === criterionId);
  if (!criterion) throw new Error(`no ${programId} criterion ${criterionId}`);
  return criterion;
}

/**
 * A TH shop part-way through the period of 2026-11 (2026-09-26..2026-10-25): 127 completed orders, sales of
 * THB10,000, 7 late dispatches in 100 shipped, 10 unique buyers, a 4.0 rating; the rest passes.
 */
const records = [
  dailyRecord('2026-09-25', { ordersPlaced: 500, gmv: 9_000_000, uniqueBuyers30d: 99 }), // the previous period
  dailyRecord('2026-09-26', {
    ordersPlaced: 130,
    ordersCancelled: 3,
    ordersShipped: 100,
    lateDispatches: 7,
    gmv: 1_000_000,
    chatsReceived: 10,
    chatsAnsweredWithin24h: 10,
    uniqueBuyers30d: 10,
    shopRating: 4.0,
    violationPoints: 0,
    fraudViolations: 0,
    counterfeitViolations: 0,
    status: 'active',
  }),
  dailyRecord('2026-10-02', {}),
  dailyRecord('2026-10-09', {}),
];
const TODAY = '2026-10-10';

describe('projection: "if we evaluated today"', () => {
  it('projects the badge month whose assessment period contains today, with that period', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    expect(projection.month).toBe('2026-11');
    expect(projection.period).toEqual({ from: '2026-09-26', to: '2026-10-25', timeZone: 'Asia/Bangkok' });
  });

  it('asOf is the last day with data and daysLeft the days of the period after today', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    expect(projection.asOf).toBe('2026-10-09');
    expect(projection.daysLeft).toBe(15);
  });

  it('on the 25th no day is left; on the 26th the next period opens (2026-12, 30 days left, no data yet)', () => {
    expect(projectShop(shop('TH'), records, '2026-10-25', thRules).daysLeft).toBe(0);
    const next = projectShop(shop('TH'), records, '2026-10-26', thRules);
    expect(next.month).toBe('2026-12');
    expect(next.period).toMatchObject({ from: '2026-10-26', to: '2026-11-25' });
    expect(next.daysLeft).toBe(30);
    expect(next.asOf).toBeNull();
  });

  it('asks the rules of the projected month', () => {
    const asked: BadgeMonth[] = [];
    projectShop(shop('TH'), records, '2026-12-30', (month) => {
      asked.push(month);
      return thRules(month);
    });
    expect(asked).toEqual(['2027-02']);
  });

  it('counts only the days so far: a record dated after today is not in the projection', () => {
    const withFuture = [...records, dailyRecord('2026-10-12', { ordersPlaced: 1000, uniqueBuyers30d: 50 })];
    const projection = projectShop(shop('TH'), withFuture, TODAY, thRules);
    expect(projection.asOf).toBe('2026-10-09');
    expect(criterionOf(projection, 'top-choice', 'volume').actual).toBe(127);
  });

  it('a failing volume criterion shows 23 more completed orders, and each alternative its own gap', () => {
    const volume = criterionOf(projectShop(shop('TH'), records, TODAY, thRules), 'top-choice', 'volume');
    expect(volume).toMatchObject({ metric: 'completedOrders', threshold: 150, actual: 127, passed: false, gap: 23 });
    expect(volume.anyOf).toEqual([
      { metric: 'completedOrders', op: '>=', threshold: 150, actual: 127, passed: false, gap: 23 },
      { metric: 'gmv', op: '>=', threshold: 3_500_000, actual: 1_000_000, passed: false, gap: 2_500_000 },
    ]);
  });

  it('a failing late dispatch rate shows gap = actual - threshold (0.07 - 0.03 = 0.04)', () => {
    const late = criterionOf(projectShop(shop('TH'), records, TODAY, thRules), 'top-choice', 'late-dispatch-rate');
    expect(late).toMatchObject({ actual: 0.07, threshold: 0.03, passed: false });
    expect(late.gap).toBeCloseTo(0.04, 10);
  });

  it('a failing gauge shows its gap: 5 more unique buyers, 0.2 of shop rating', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    expect(criterionOf(projection, 'top-choice', 'unique-buyers')).toMatchObject({ actual: 10, passed: false, gap: 5 });
    const rating = criterionOf(projection, 'top-choice', 'shop-rating');
    expect(rating).toMatchObject({ actual: 4.0, threshold: 4.2, passed: false });
    expect(rating.gap).toBeCloseTo(0.2, 10);
  });

  it('passing criteria carry no gap', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    const passing = projection.programs.flatMap((p) => p.criteria).filter((c) => c.passed);
    expect(passing.map((c) => c.id)).toEqual(
      expect.arrayContaining(['seller-fault-cancellation-rate', 'chat-reply-rate', 'violation-points', 'fraud-violations', 'status']),
    );
    for (const c of passing) expect(c, c.id).not.toHaveProperty('gap');
  });

  it('every failing numeric criterion carries a positive gap', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    const failing = projection.programs.flatMap((p) => p.criteria).filter((c) => !c.passed && c.metric !== 'certification');
    expect(failing.map((c) => c.id).sort()).toEqual(['late-dispatch-rate', 'shop-rating', 'unique-buyers', 'volume']);
    for (const c of failing) expect(c.gap, c.id).toBeGreaterThan(0);
  });

  it('has the shape of an evaluation: programs, badge (null while failing)', () => {
    const projection = projectShop(shop('TH'), records, TODAY, thRules);
    expect(projection.programs.map((p) => p.program)).toEqual(['mall', 'top-choice']);
    expect(projection.badge).toBeNull();
  });
});

describe('gapOf: how far a failing value is from passing, in the metric unit', () => {
  it('>=: threshold - actual (150 - 127 = 23 orders)', () => {
    expect(gapOf({ metric: 'completedOrders', op: '>=', threshold: 150, actual: 127, passed: false })).toBe(23);
  });

  it('< on a rate: actual - threshold (0.034 - 0.03 = 0.004, the contract example)', () => {
    expect(gapOf({ metric: 'lateDispatchRate', op: '<', threshold: 0.03, actual: 0.034, passed: false })).toBeCloseTo(0.004, 10);
  });

  it('< met exactly still needs a positive step: 12 violation points need 1 fewer, a rate of exactly 3% a small step', () => {
    expect(gapOf({ metric: 'violationPoints', op: '<', threshold: 12, actual: 12, passed: false })).toBe(1);
    expect(gapOf({ metric: 'violationPoints', op: '<', threshold: 12, actual: 15, passed: false })).toBe(4);
    const rate = gapOf({ metric: 'lateDispatchRate', op: '<', threshold: 0.03, actual: 0.03, passed: false });
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(0.001);
  });

  it('> met exactly needs a positive step (shop rating of exactly 4.2)', () => {
    const gap = gapOf({ metric: 'shopRating', op: '>', threshold: 4.2, actual: 4.2, passed: false });
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(0.01);
  });

  it('= 0 on violations: the count to lose', () => {
    expect(gapOf({ metric: 'fraudViolations', op: '=', threshold: 0, actual: 2, passed: false })).toBe(2);
  });

  it('a missing gauge under a >= threshold needs the whole threshold', () => {
    expect(gapOf({ metric: 'uniqueBuyers30d', op: '>=', threshold: 15, actual: null, passed: false })).toBe(15);
  });

  it('no gap on a passing condition or a non-numeric threshold (status)', () => {
    expect(gapOf({ metric: 'completedOrders', op: '>=', threshold: 150, actual: 200, passed: true })).toBeNull();
    expect(gapOf({ metric: 'status', op: '=', threshold: 'active', actual: 'suspended', passed: false })).toBeNull();
  });
});
