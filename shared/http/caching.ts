/** Cacheable public answers: an ETag over the body, If-None-Match answered 304, a bounded max-age. */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Reply } from './middleware';

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export function cachedReply(event: APIGatewayProxyEventV2, body: unknown, maxAge: number): Reply {
  const text = JSON.stringify(body);
  const etag = etagOf(text);
  const headers = { etag, 'cache-control': `public, max-age=${maxAge}` };
  if (matches(event.headers?.['if-none-match'], etag)) return { status: 304, headers };
  // The text the ETag was taken over is the answer: the body is serialised once.
  return { status: 200, text, headers: { 'content-type': 'application/json', ...headers } };
}
