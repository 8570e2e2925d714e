/**
 * The one middy chain every HTTP function uses: chain.ts (Powertools logging, the origin, token and
 * claims checks, request parsing and zod validation, CORS, the error mapping) with Powertools Metrics
 * added, and the token verifier (auth.ts) for the functions that serve protected routes. Handlers declare
 * routes; this file and chain.ts do everything else once. (The lookup function, which publishes no
 * metrics and serves public routes only, uses chain.ts directly and carries no jose.)
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { readAuthConfig } from '../config';
import { tokenVerifier } from './auth';
import { metrics } from '../observability/metrics';
import { httpChain, type AnyRoute, type ChainOptions } from './chain';

export * from './chain';

export { metrics } from '../observability/metrics';

/**
 * One `Requests` data point per invocation, so every flush has a metric to publish (EMF). It returns
 * nothing on purpose: a middy `before` that returns a value ends the request with that value.
 */
const countRequest = {
  before: async (): Promise<void> => {
    metrics.addMetric('Requests', MetricUnit.Count, 1);
  },
};

/**
 * A function with protected routes reads the token settings when it starts (a missing JWT_ISSUER fails its
 * cold start, not a request); one with public routes only needs none.
 */
export function httpHandler(list: AnyRoute[]) {
  let auth: ChainOptions = {};
  if (list.some((r) => r.def.access !== 'public')) {
    const config = readAuthConfig();
    auth = { authenticate: tokenVerifier(config), allowedOrigins: config.allowedOrigins };
  }
  return httpChain(list, [logMetrics(metrics), countRequest], auth);
}
