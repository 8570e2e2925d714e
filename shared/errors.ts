/**
 * The one error type. Use cases throw these; the HTTP layer maps them once to the contract's
 * `{ error: { code, message, details } }` (shared/http/errors.ts).
 */
export type ErrorCode = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'too_large' | 'conflict' | 'internal';

export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  too_large: 413,
  conflict: 409,
  internal: 500,
};

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new AppError('bad_request', message, details);
export const notFound = (message: string) => new AppError('not_found', message);
export const conflict = (message: string, details: ErrorDetail[] = []) => new AppError('conflict', message, details);
export const unauthorized = (message: string) => new AppError('unauthorized', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const tooLarge = (message: string) => new AppError('too_large', message);

/** The parts of a zod issue the details need (structural, so this file imports no zod). */
interface ValidationIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Validation issues as error details: a path to fix and a message that says how; `prefix` names where. */
export function issueDetails(issues: readonly ValidationIssue[], prefix?: string): ErrorDetail[] {
  return issues.map((i) => ({
    path: [...(prefix === undefined ? [] : [prefix]), ...i.path.map(String)].join('.') || '(root)',
    message: messageOf(i),
  }));
}

function messageOf(i: ValidationIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown field(s) ${(i.keys ?? []).join(', ')}: remove them or fix their spelling`;
  // zod's default for a missing field reads "Invalid input: expected string, received undefined".
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(i.message);
  if (i.code === 'invalid_type' && missing) return `is required (${missing[1]})`;
  return i.message;
}
