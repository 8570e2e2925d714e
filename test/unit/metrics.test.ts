import { describe, it, expect } from 'vitest';
import { assessmentPeriod } from '../../shared/domain/calendar';
import { aggregate, ratio, RATES, type Counter } from '../../shared/domain/metrics';
import { dailyRecord } from './shop-fixtures';

/** Badge month 2026-11 is assessed on 2026-09-26..2026-10-25. */
const PERIOD = assessmentPeriod('2026-11', 'TH');

describe('sums over the assessment period', () => {
  it('completedOrders = ordersPlaced - ordersCancelled - ordersReturned - ordersRefunded, summed over the days', () => {
    const result = aggregate(
      [
        dailyRecord('2026-09-26', { ordersPlaced: 14, ordersCancelled: 1, ordersReturned: 0, ordersRefunded: 1 }),
        dailyRecord('2026-10-03', { ordersPlaced: 20, ordersCancelled: 2, ordersReturned: 3, ordersRefunded: 4 }),
      ],
      PERIOD,
    );
    expect(result.metrics.completedOrders).toBe(34 - 3 - 3 - 5);
    expect(result.sums.ordersPlaced).toBe(34);
  });

  it('cancelled, returned and refunded orders never count as completed', () => {
    const cancelled = aggregate([dailyRecord('2026-10-01', { ordersPlaced: 5, ordersCancelled: 5 })], PERIOD);
    const returned = aggregate([dailyRecord('2026-10-01', { ordersPlaced: 5, ordersReturned: 5 })], PERIOD);
    const refunded = aggregate([dailyRecord('2026-10-01', { ordersPlaced: 5, ordersRefunded: 5 })], PERIOD);
    expect([cancelled, returned, refunded].map((r) => r.metrics.completedOrders)).toEqual([0, 0, 0]);
  });

  it('gmv is the sum of the daily gmv in minor units', () => {
    const result = aggregate([dailyRecord('2026-10-01', { gmv: 125_000 }), dailyRecord('2026-10-02', { gmv: 3_375_000 })], PERIOD);
    expect(result.metrics.gmv).toBe(3_500_000);
  });

  it('days just outside the period (the 25th of M-2 and the 26th of M-1) are ignored; its first and last days count', () => {
    const result = aggregate(
      [
        dailyRecord('2026-09-25', { ordersPlaced: 1000, gmv: 1000, fraudViolations: 9, shopRating: 1.0 }),
        dailyRecord('2026-09-26', { ordersPlaced: 1, gmv: 10, shopRating: 4.1 }),
        dailyRecord('2026-10-25', { ordersPlaced: 2, gmv: 20, shopRating: 4.9 }),
        dailyRecord('2026-10-26', { ordersPlaced: 1000, gmv: 1000, fraudViolations: 9, shopRating: 1.0 }),
      ],
      PERIOD,
    );
    expect(result.metrics.completedOrders).toBe(3);
    expect(result.metrics.gmv).toBe(30);
    expect(result.metrics.shopRating).toBe(4.9);
    expect(result.metrics.fraudViolations).toBeNull();
    expect(result.days).toBe(2);
  });

  it('days counts the records inside the period and lastDate is the latest of them, whatever the order', () => {
    const result = aggregate(
      [dailyRecord('2026-10-20'), dailyRecord('2026-09-30'), dailyRecord('2026-10-31'), dailyRecord('2026-10-05')],
      PERIOD,
    );
    expect(result.days).toBe(3);
    expect(result.lastDate).toBe('2026-10-20');
  });

  it('a period without records has days 0, lastDate null, sums 0, every rate, gauge and peak null', () => {
    const result = aggregate([dailyRecord('2026-11-01', { ordersPlaced: 3, shopRating: 5 })], PERIOD);
    expect(result.days).toBe(0);
    expect(result.lastDate).toBeNull();
    expect(result.metrics.completedOrders).toBe(0);
    expect(result.metrics.gmv).toBe(0);
    for (const rate of Object.keys(RATES) as (keyof typeof RATES)[]) expect(result.metrics[rate], rate).toBeNull();
    expect(result.metrics.shopRating).toBeNull();
    expect(result.metrics.status).toBeNull();
    expect(result.metrics.fraudViolations).toBeNull();
  });
});

describe('rates are ratios of period sums', () => {
  const cases: [keyof typeof RATES, Counter, Counter][] = [
    ['sellerFaultCancellationRate', 'sellerFaultCancellations', 'ordersPlaced'],
    ['lateDispatchRate', 'lateDispatches', 'ordersShipped'],
    ['sellerFaultReturnRate', 'sellerFaultReturns', 'ordersShipped'],
    ['chatReplyRate24h', 'chatsAnsweredWithin24h', 'chatsReceived'],
    ['negativeReviewRate', 'negativeReviews', 'ordersShipped'],
    ['positiveProductRatingRate', 'positiveProductRatings', 'productRatings'],
  ];

  for (const [rate, numerator, denominator] of cases) {
    it(`${rate} = ${numerator} / ${denominator} over the period (3+1 of 40+60 = 0.04)`, () => {
      expect(RATES[rate]).toEqual([numerator, denominator]);
      const result = aggregate(
        [
          dailyRecord('2026-09-28', { [numerator]: 3, [denominator]: 40 }),
          dailyRecord('2026-10-12', { [numerator]: 1, [denominator]: 60 }),
          // Outside the period: must not move the rate.
          dailyRecord('2026-10-26', { [numerator]: 50, [denominator]: 50 }),
        ],
        PERIOD,
      );
      expect(result.metrics[rate]).toBeCloseTo(0.04, 12);
    });

    it(`${rate} with ${denominator} of 0 in the period is null (not applicable), even with a numerator outside it`, () => {
      const result = aggregate([dailyRecord('2026-10-01', {}), dailyRecord('2026-10-26', { [numerator]: 1, [denominator]: 2 })], PERIOD);
      expect(result.metrics[rate]).toBeNull();
    });
  }

  it('a rate is a ratio of sums, not an average of daily rates (1/1 and 0/99 give 0.01)', () => {
    const result = aggregate(
      [dailyRecord('2026-10-01', { lateDispatches: 1, ordersShipped: 1 }), dailyRecord('2026-10-02', { ordersShipped: 99 })],
      PERIOD,
    );
    expect(result.metrics.lateDispatchRate).toBeCloseTo(0.01, 12);
  });

  it('ratio(n, 0) is null and ratio(0, d) is 0', () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(0, 7)).toBe(0);
  });
});

describe('gauges: the last value reported within the period', () => {
  it('takes the value of the latest day even when records arrive out of order', () => {
    const result = aggregate(
      [
        dailyRecord('2026-10-20', { shopRating: 4.7, status: 'active', violationPoints: 3 }),
        dailyRecord('2026-10-24', { shopRating: 4.1, status: 'suspended', violationPoints: 5 }),
        dailyRecord('2026-09-27', { shopRating: 4.9, status: 'inactive', violationPoints: 0 }),
      ],
      PERIOD,
    );
    expect(result.metrics.shopRating).toBe(4.1);
    expect(result.metrics.status).toBe('suspended');
    expect(result.metrics.violationPoints).toBe(5);
  });

  it('a null or missing gauge on a later day does not erase an earlier value', () => {
    const result = aggregate(
      [
        dailyRecord('2026-10-01', { uniqueBuyers30d: 41, hasLogo: true, shopPerformanceScore: 4.6 }),
        dailyRecord('2026-10-10', { uniqueBuyers30d: null, hasLogo: null }),
        dailyRecord('2026-10-20', {}),
      ],
      PERIOD,
    );
    expect(result.metrics.uniqueBuyers30d).toBe(41);
    expect(result.metrics.hasLogo).toBe(true);
    expect(result.metrics.shopPerformanceScore).toBe(4.6);
  });

  it('false and 0 are values, not missing: a later false replaces an earlier true', () => {
    const result = aggregate(
      [dailyRecord('2026-10-01', { hasLogo: true, violationPoints: 4 }), dailyRecord('2026-10-02', { hasLogo: false, violationPoints: 0 })],
      PERIOD,
    );
    expect(result.metrics.hasLogo).toBe(false);
    expect(result.metrics.violationPoints).toBe(0);
  });

  it('a gauge reported only outside the period is null', () => {
    const result = aggregate(
      [dailyRecord('2026-09-25', { shopRating: 4.8 }), dailyRecord('2026-10-26', { shopRating: 4.8 }), dailyRecord('2026-10-01', {})],
      PERIOD,
    );
    expect(result.metrics.shopRating).toBeNull();
  });

  it('a value reported after the period does not replace the one of its last day', () => {
    const result = aggregate([dailyRecord('2026-10-25', { gmv365d: 100 }), dailyRecord('2026-11-02', { gmv365d: 999 })], PERIOD);
    expect(result.metrics.gmv365d).toBe(100);
  });

  it('every gauge of programs.md is aggregated as a gauge', () => {
    const values = {
      uniqueBuyers30d: 41,
      shopPerformanceScore: 4.6,
      shopRating: 4.8,
      violationPoints: 2,
      reputationPoints: 3500,
      status: 'active',
      probationGraduated: true,
      hasLogo: true,
      sellableProducts: 42,
      freeShippingShare: 0.8,
      returnWindowDays: 30,
      gmv365d: 120_000_000,
    } as const;
    const result = aggregate([dailyRecord('2026-10-01', values), dailyRecord('2026-10-02', {})], PERIOD);
    expect(result.metrics).toMatchObject(values);
  });
});

describe('fraud and counterfeit violations: the period maximum', () => {
  it('takes the largest value reported in the period, not the last', () => {
    const result = aggregate(
      [
        dailyRecord('2026-10-01', { fraudViolations: 0, counterfeitViolations: 2 }),
        dailyRecord('2026-10-05', { fraudViolations: 3, counterfeitViolations: 0 }),
        dailyRecord('2026-10-20', { fraudViolations: 1, counterfeitViolations: 0 }),
      ],
      PERIOD,
    );
    expect(result.metrics.fraudViolations).toBe(3);
    expect(result.metrics.counterfeitViolations).toBe(2);
  });

  it('0 reported is 0; none reported in the period is null', () => {
    const zero = aggregate([dailyRecord('2026-10-01', { fraudViolations: 0 }), dailyRecord('2026-10-02', { fraudViolations: null })], PERIOD);
    expect(zero.metrics.fraudViolations).toBe(0);
    expect(zero.metrics.counterfeitViolations).toBeNull();
  });

  it('a violation reported on a day outside the period does not count', () => {
    const result = aggregate([dailyRecord('2026-09-25', { counterfeitViolations: 4 }), dailyRecord('2026-10-01', { counterfeitViolations: 0 })], PERIOD);
    expect(result.metrics.counterfeitViolations).toBe(0);
  });
});
