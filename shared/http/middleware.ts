/**
 * The one middy chain every HTTP function uses: chain.ts (Powertools logging, the claims check, request
 * parsing and zod validation, the error mapping) with Powertools Metrics added. Handlers declare routes;
 * this file and chain.ts do everything else once. (The lookup function, which publishes no metrics, uses
 * chain.ts directly.)
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { httpChain, type AnyRoute } from './chain';

export * from './chain';

export const metrics = new Metrics({ namespace: 'SellerBadges', serviceName: 'seller-badges' });

/**
 * One `Requests` data point per invocation, so every flush has a metric to publish (EMF). It returns
 * nothing on purpose: a middy `before` that returns a value ends the request with that value.
 */
const countRequest = {
  before: async (): Promise<void> => {
    metrics.addMetric('Requests', MetricUnit.Count, 1);
  },
};

export function httpHandler(list: AnyRoute[]) {
  return httpChain(list, [logMetrics(metrics), countRequest]);
}
