/** Data in (operators and the data pipeline): shop profiles and daily metrics. */
import { API } from '../../shared/http/api';
import { httpHandler, route } from '../../shared/http/middleware';
import { services } from '../../shared/runtime';
import { ingestMetrics, putShop } from '../../shared/usecases/ingest';

services();

export const handler = httpHandler([
  route(API.putShop, async ({ path, body }) => ({ body: await putShop(services(), path.shopId, body) })),
  route(API.metrics, async ({ body }) => ({ body: await ingestMetrics(services(), body.records) })),
]);
