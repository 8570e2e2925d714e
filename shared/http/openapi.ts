/** /openapi.json, generated from the route table and the very schemas that validate requests. */
import * as z from 'zod';
import { API, type RouteDef } from './api';
import type { Schema } from './routes';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', enum: ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'too_large', 'conflict', 'internal'] },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

function parameters(schema: Schema | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, object>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

function operation(d: RouteDef) {
  const secured = d.access !== 'public';
  return {
    summary: d.summary,
    'x-access': d.access,
    ...(secured ? { security: [{ bearer: [] }] } : {}),
    parameters: [...parameters(d.pathSchema, 'path'), ...parameters(d.query, 'query')],
    ...(d.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(d.body, { io: 'input', unrepresentable: 'any' }) } } } }
      : {}),
    responses: {
      [String(d.status)]: { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      ...(d.method === 'GET' && d.access === 'public' ? { '304': { description: 'Not modified (If-None-Match)' } } : {}),
      '400': { description: 'Bad request', content: { 'application/json': { schema: errorSchema } } },
      ...(secured ? { '401': { description: 'No valid token' }, '403': { description: 'Token without the right' } } : {}),
    },
  };
}

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached) return cached;
  const paths: Record<string, Record<string, object>> = {};
  for (const d of Object.values(API) as RouteDef[]) {
    (paths[d.path] ??= {})[d.method.toLowerCase()] = operation(d);
  }
  cached = {
    openapi: '3.1.0',
    info: { title: 'seller-badges', version: '1.0.0', description: 'Monthly seller trust badges: lookups, Seller Center views, ingest and runs.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
  return cached;
}
