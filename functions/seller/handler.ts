/** Seller Center views: eligibility, history and projection (the shop's seller, or an operator). */
import { API } from '../../shared/http/api';
import { httpHandler, route } from '../../shared/http/middleware';
import { services } from '../../shared/runtime';
import { eligibility, history, projection } from '../../shared/usecases/eligibility';

services();

export const handler = httpHandler([
  route(API.eligibility, async ({ path, query }) => ({ body: await eligibility(services(), path.shopId, query.month) })),
  route(API.history, async ({ path, query }) => ({ body: await history(services(), path.shopId, query.limit ?? 12) })),
  route(API.projection, async ({ path }) => ({ body: await projection(services(), path.shopId) })),
]);
