/**
 * The web assets (contract: "Storefront element", "Seller Center page"): the built files of web/build.ts,
 * read once per container from WEB_ASSETS_DIR or, unset (in Lambda), from beside this handler, where the
 * CDK bundling put them. Answers carry an ETag (304 on If-None-Match) and a short public max-age.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { routeKey } from '../../shared/http/routes';
import { WEB_API } from '../../shared/http/web-api';
import { etagOf } from '../../shared/http/caching';
import { CORS_HEADERS, errorResponse } from '../../shared/http/response';
import { notFound } from '../../shared/errors';
import { logger } from '../../shared/observability/logger';

/** Route keys without a trailing slash: the HTTP API routes the contract's GET /seller/ as GET /seller. */
const keyOf = (routeKey: string) => routeKey.replace(/\/$/, '');

const ASSETS: Record<string, { file: string; headers: Record<string, string> }> = {
  // Any storefront origin loads the module (a module script is fetched in CORS mode).
  [keyOf(routeKey(WEB_API.embed))]: { file: 'embed/badge.js', headers: { 'content-type': 'text/javascript; charset=utf-8', 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=300' } },
  // Same-origin page; the token stays in the fragment, which never reaches a server or a referrer.
  [keyOf(routeKey(WEB_API.sellerPage))]: { file: 'seller/index.html', headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=60', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' } },
};

const files = new Map<string, Promise<{ body: string; etag: string }>>();

function load(file: string) {
  let loaded = files.get(file);
  if (!loaded) {
    const dir = process.env.WEB_ASSETS_DIR || dirname(fileURLToPath(import.meta.url));
    loaded = readFile(join(dir, file), 'utf8').then((body) => ({ body, etag: etagOf(body) }));
    loaded.catch(() => files.delete(file));
    files.set(file, loaded);
  }
  return loaded;
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const asset = ASSETS[keyOf(event.routeKey)];
  if (!asset) return errorResponse(notFound(`no route ${event.routeKey}`));
  try {
    const { body, etag } = await load(asset.file);
    const headers = { ...asset.headers, etag };
    if (event.headers?.['if-none-match'] === etag) return { statusCode: 304, headers };
    return { statusCode: 200, headers, body };
  } catch (error) {
    logger.error('web asset missing', { file: asset.file, error: error as Error });
    // A storefront on any origin reads this answer too.
    const failed = errorResponse(error);
    return { ...failed, headers: { ...failed.headers, ...CORS_HEADERS } };
  }
}
