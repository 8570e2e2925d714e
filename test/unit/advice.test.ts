import { describe, expect, it } from 'vitest';
import { adviceFor, type Criterion, type Formatters, type Projection } from '../../web/seller/advice';

const f: Formatters = {
  money: (minor) => `THB ${(minor / 100).toFixed(2)}`,
  value: (metric, v) => (typeof v === 'number' && /Rate/.test(metric) ? `${(v * 100).toFixed(2)}%` : String(v)),
};

/** The period of December 2026 on 1 November: 7 days so far, 24 left. */
const projection: Projection = { period: { from: '2026-10-26', to: '2026-11-25' }, daysLeft: 24, asOf: '2026-11-01' };

const volume: Criterion = {
  id: 'volume',
  label: '150 completed orders or THB35,000 sales',
  metric: 'completedOrders',
  op: '>=',
  threshold: 150,
  actual: 51,
  passed: false,
  gap: 99,
  anyOf: [
    { metric: 'completedOrders', op: '>=', threshold: 150, actual: 51, passed: false, gap: 99 },
    { metric: 'gmv', op: '>=', threshold: 3_500_000, actual: 1_000_000, passed: false, gap: 2_500_000 },
  ],
};

describe('what a failing criterion needs, in words', () => {
  it('volume: the orders (or sales) still missing and the days left', () => {
    expect(adviceFor(volume, projection, [volume], f)).toBe('99 more completed orders in 24 days, or THB 25000.00 more in sales in 24 days');
  });

  it('a rate over orders: how many more late dispatches the coming orders allow, at the pace so far', () => {
    // 38 orders in 7 days: about 130 more in 24 days. 3 late of 38; below 3% of 168 allows 2 more.
    const orders: Criterion = { ...volume, actual: 38, gap: 112, anyOf: undefined };
    const late: Criterion = { id: 'late-dispatch-rate', label: 'Late dispatch rate below 3%', metric: 'lateDispatchRate', op: '<', threshold: 0.03, actual: 3 / 38, passed: false, gap: 3 / 38 - 0.03 };
    expect(adviceFor(late, projection, [orders, late], f)).toBe('no more than 2 late dispatches in the next 130 shipped orders (rate now 7.89%, must be below 3.00%)');
  });

  it('when none may go wrong, it says so; when even none would not do, it says that', () => {
    const orders: Criterion = { ...volume, actual: 38, anyOf: undefined };
    const oneLate = { id: 'late-dispatch-rate', label: 'Late dispatch rate below 3%', metric: 'lateDispatchRate', op: '<', threshold: 0.03, passed: false } as const;
    expect(adviceFor({ ...oneLate, actual: 5 / 38 }, projection, [orders], f)).toMatch(/^no late dispatches at all in the next 130 shipped orders/);
    expect(adviceFor({ ...oneLate, actual: 6 / 38 }, projection, [orders], f)).toMatch(/cannot get there by the end of this period/);
  });

  it('gauges and data not reported yet', () => {
    const rating: Criterion = { id: 'shop-rating', label: 'Shop rating above 4.2', metric: 'shopRating', op: '>', threshold: 4.2, actual: 4.2, passed: false, gap: 0.01 };
    expect(adviceFor(rating, projection, [], f)).toBe('raise the shop rating above 4.2 (now 4.2) within 24 days');
    expect(adviceFor({ ...rating, actual: null }, projection, [], f)).toBe('no shop rating reported in this period yet');
  });
});
