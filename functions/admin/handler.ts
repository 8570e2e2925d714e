/** Operators: evaluation runs, revocations, and the OpenAPI document. */
import { notFound } from '../../shared/errors';
import { API } from '../../shared/http/api';
import { httpHandler, route } from '../../shared/http/middleware';
import { openApiDocument } from '../../shared/http/openapi';
import { RUN_ID_RE } from '../../shared/http/schemas';
import { services } from '../../shared/runtime';
import { revokeNow } from '../../shared/usecases/eligibility';
import { diffCsv, monthRuns, runStatus, startRun } from '../../shared/usecases/evaluation';

services();

export const handler = httpHandler([
  route(API.startRun, async ({ body }) => ({ body: { runId: (await startRun(services(), body)).runId } })),
  route(API.listRuns, async ({ query }) => ({ body: await monthRuns(services(), query.month, query.market) })),
  route(API.getRun, async ({ path }) => {
    const run = RUN_ID_RE.test(path.runId) ? await services().runs.get(path.runId) : null;
    if (!run) throw notFound(`no evaluation run ${path.runId}`);
    return { body: await runStatus(services(), run) };
  }),
  route(API.diffCsv, async ({ path }) => {
    if (!RUN_ID_RE.test(path.runId)) throw notFound(`no evaluation run ${path.runId}`);
    const text = await diffCsv(services(), path.runId);
    return { text, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="diff-${path.runId}.csv"` } };
  }),
  route(API.revoke, async ({ path, body }) => ({ body: await revokeNow(services(), path.shopId, body.reason) })),
  route(API.health, async () => ({ body: { status: 'ok' }, headers: { 'cache-control': 'no-store' } })),
  route(API.openapi, async () => ({ body: openApiDocument(), headers: { 'cache-control': 'public, max-age=300' } })),
]);
