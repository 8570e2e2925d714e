/**
 * What a failing criterion of the projection needs, in words a seller acts on: "99 more completed
 * orders in 24 days", "no more than 2 late dispatches in the next 130 shipped orders". Pure: computed from
 * the projection's gap, actual value and the period so far (orders so far are the volume criterion's
 * completed orders; the orders to come are that pace over the days left).
 */
export interface Condition {
  metric: string;
  op: string;
  threshold: number | string | boolean;
  actual: number | string | boolean | null;
  passed: boolean;
  gap?: number | null;
}

export interface Criterion extends Condition {
  id: string;
  label: string;
  anyOf?: Condition[];
}

export interface Projection {
  period: { from: string; to: string };
  daysLeft: number;
  asOf: string | null;
}

export interface Formatters {
  money: (minor: number) => string;
  value: (metric: string, v: unknown) => string;
}

/** Rates over orders: the events counted and what they are counted over. */
const ORDER_RATES: Record<string, [events: string, over: string]> = {
  lateDispatchRate: ['late dispatches', 'shipped orders'],
  sellerFaultCancellationRate: ['seller-fault cancellations', 'orders'],
  sellerFaultReturnRate: ['seller-fault returns', 'shipped orders'],
  negativeReviewRate: ['negative reviews', 'shipped orders'],
};

const NAMES: Record<string, string> = {
  chatReplyRate24h: 'chat reply rate within 24 h',
  positiveProductRatingRate: 'positive product rating rate',
  shopRating: 'shop rating',
  shopPerformanceScore: 'shop performance score',
  uniqueBuyers30d: 'unique buyers in 30 days',
  reputationPoints: 'reputation points',
  sellableProducts: 'sellable products',
  returnWindowDays: 'return window (days)',
  freeShippingShare: 'share of free-shipping listings',
  gmv365d: 'sales over 365 days',
  violationPoints: 'violation points',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

function volume(c: Condition, daysLeft: number, f: Formatters): string {
  const gap = Math.ceil(c.gap ?? 0);
  const days = `in ${plural(daysLeft, 'day')}`;
  if (c.metric === 'completedOrders') return `${plural(gap, 'more completed order', 'more completed orders')} ${days}`;
  if (c.metric === 'gmv') return `${f.money(gap)} more in sales ${days}`;
  return `${f.value(c.metric, c.gap)} more ${days}`;
}

/** Completed orders so far in the period, if a criterion of the program reports them. */
function ordersSoFar(criteria: readonly Criterion[]): number | null {
  for (const c of criteria) {
    for (const alt of [c, ...(c.anyOf ?? [])]) if (alt.metric === 'completedOrders' && typeof alt.actual === 'number') return alt.actual;
  }
  return null;
}

export function adviceFor(c: Criterion, p: Projection, criteria: readonly Criterion[], f: Formatters): string {
  const { daysLeft } = p;
  if (c.metric === 'certification') return `requires the ${String(c.threshold)} certification`;
  if (c.anyOf && c.anyOf.length > 1 && (c.metric === 'completedOrders' || c.metric === 'gmv')) {
    return c.anyOf.filter((alt) => !alt.passed).map((alt) => volume(alt, daysLeft, f)).join(', or ');
  }
  if (c.metric === 'completedOrders' || c.metric === 'gmv') return volume(c, daysLeft, f);
  if (c.actual === null) return `no ${NAMES[c.metric] ?? c.metric} reported in this period yet`;
  const threshold = f.value(c.metric, c.threshold);
  const now = f.value(c.metric, c.actual);

  const rate = ORDER_RATES[c.metric];
  if (rate && (c.op === '<' || c.op === '<=') && typeof c.actual === 'number' && typeof c.threshold === 'number') {
    const [events, over] = rate;
    const sold = ordersSoFar(criteria);
    const elapsed = Math.max(1, dayNumber(p.period.to) - daysLeft - dayNumber(p.period.from) + 1);
    if (sold !== null && sold > 0 && daysLeft > 0) {
      const coming = Math.round((sold / elapsed) * daysLeft);
      const soFar = c.actual * sold;
      // (soFar + x) / (sold + coming) must stay below the threshold (or at it, for <=).
      const limit = c.threshold * (sold + coming) - soFar;
      const allowed = c.op === '<' ? Math.ceil(limit) - 1 : Math.floor(limit);
      const next = `in the next ${plural(coming, over.replace(/s$/, ''), over)} (rate now ${now}, must be below ${threshold})`;
      if (coming > 0 && allowed === 0) return `no ${events} at all ${next}`;
      if (coming > 0 && allowed > 0) return `no more than ${plural(allowed, events.replace(/s$/, ''), events)} ${next}`;
    }
    return `the ${events} rate is ${now} and must be below ${threshold}; at this pace it cannot get there by the end of this period`;
  }
  const name = NAMES[c.metric] ?? c.label;
  if (c.op === '>' || c.op === '>=') return `raise the ${name} ${c.op === '>' ? 'above' : 'to'} ${threshold} (now ${now}) within ${plural(daysLeft, 'day')}`;
  if (c.op === '<' || c.op === '<=') return `bring the ${name} ${c.op === '<' ? 'below' : 'to'} ${threshold} (now ${now})`;
  return `${c.label.replace(/\.$/, '')}: now ${now}`;
}
