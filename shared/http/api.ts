/**
 * Every route of the contract, with who may call it and the schemas that validate it. Handlers attach
 * their use case to these; /openapi.json is generated from the same entries. The public lookup routes
 * are defined in lookup-api.ts (zod/mini), so that the lookup function can import them alone.
 */
import { LOOKUP_API } from './lookup-api';
import { def } from './routes';
import { WEB_API } from './web-api';
import * as s from './schemas';

export { routeKey, type Access, type ApiFunction, type RouteDef } from './routes';

export const API = {
  ...LOOKUP_API,
  putShop: def({ method: 'PUT', fn: 'ingest', path: '/v1/shops/{shopId}', access: 'operator', status: 200, summary: 'Create or replace a shop profile', pathSchema: s.shopPath, body: s.profileBody }),
  metrics: def({ method: 'POST', fn: 'ingest', path: '/v1/metrics', access: 'operator', status: 200, summary: 'Ingest 1 to 1000 daily records (partial acceptance)', body: s.metricsBody }),
  eligibility: def({ method: 'GET', fn: 'seller', path: '/v1/shops/{shopId}/eligibility', access: 'seller', status: 200, summary: 'A badge month criterion by criterion', pathSchema: s.shopPath, query: s.eligibilityQuery }),
  history: def({ method: 'GET', fn: 'seller', path: '/v1/shops/{shopId}/history', access: 'seller', status: 200, summary: 'Badge months, newest first', pathSchema: s.shopPath, query: s.historyQuery }),
  projection: def({ method: 'GET', fn: 'seller', path: '/v1/shops/{shopId}/projection', access: 'seller', status: 200, summary: 'The open period evaluated on the days so far', pathSchema: s.shopPath, query: s.emptyQuery }),
  startRun: def({ method: 'POST', fn: 'admin', path: '/v1/evaluations', access: 'operator', status: 202, summary: 'Evaluate a badge month for some or all markets', body: s.evaluationBody }),
  listRuns: def({ method: 'GET', fn: 'admin', path: '/v1/evaluations', access: 'operator', status: 200, summary: 'Every run of a badge month, newest first', query: s.runsQuery }),
  getRun: def({ method: 'GET', fn: 'admin', path: '/v1/evaluations/{runId}', access: 'operator', status: 200, summary: 'State and counts of an evaluation run', pathSchema: s.runPath }),
  diffCsv: def({ method: 'GET', fn: 'admin', path: '/v1/evaluations/{runId}/diff.csv', access: 'operator', status: 200, summary: 'Every shop a succeeded dry run changes, as CSV (shopId, market, before, after, criteria)', pathSchema: s.runPath }),
  revoke: def({ method: 'POST', fn: 'admin', path: '/v1/shops/{shopId}/revocations', access: 'operator', status: 200, summary: 'Revoke the badge a shop holds now', pathSchema: s.shopPath, body: s.revocationBody }),
  ...WEB_API,
  health: def({ method: 'GET', fn: 'admin', path: '/health', access: 'public', status: 200, summary: 'Liveness: 200 {"status":"ok"} once the service answers' }),
  openapi: def({ method: 'GET', fn: 'admin', path: '/openapi.json', access: 'public', status: 200, summary: 'This document' }),
} as const;

