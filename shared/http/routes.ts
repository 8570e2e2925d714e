/**
 * What a route definition is. Kept apart from the route table (api.ts) so that a function can import its
 * own routes without the schemas of every other route (the lookup bundle stays small).
 */
import type { $ZodType } from 'zod/v4/core';

/** Public; `seller`: the path shop's seller or an operator; `operator`: `scope` contains badges:admin. */
export type Access = 'public' | 'seller' | 'operator';

/** A zod schema, classic (`zod`) or mini (`zod/mini`): both validate and both feed /openapi.json. */
export type Schema = $ZodType;

/** The deployed function that serves a route (one folder under functions/). */
export type ApiFunction = 'lookup' | 'seller' | 'ingest' | 'admin' | 'web';

export interface RouteDef {
  method: 'GET' | 'PUT' | 'POST';
  fn: ApiFunction;
  path: string;
  access: Access;
  summary: string;
  status: number;
  pathSchema?: Schema;
  query?: Schema;
  body?: Schema;
}

export const def = <D extends RouteDef>(d: D) => d;

export const routeKey = (d: RouteDef) => `${d.method} ${d.path}`;
