/**
 * Shaping HTTP API (payload v2) responses, errors included, in one place. CORS is not decided here: the
 * chain adds the route's own headers (`*` on public routes, configured origins on protected ones).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError, type ErrorCode } from '../errors';

export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Cache-Control',
} as const;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorBody(code: ErrorCode, message: string, details: unknown[] = []) {
  return { error: { code, message, details } };
}

/** Any thrown value to the contract's error shape; never a stack trace. */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof AppError) {
    return json(error.status, errorBody(error.code, error.message, error.details), { 'cache-control': 'no-store' });
  }
  return json(500, errorBody('internal', 'something went wrong on our side; retry later, and tell us if it persists'), {
    'cache-control': 'no-store',
  });
}
