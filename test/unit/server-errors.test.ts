/**
 * ServerErrors: the HTTP chain counts every 5xx it answers with one EMF line (issue 10 item 7), in every
 * function, the lookup included, without Powertools Metrics. 4xx answers are not counted.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { notFound } from '../../shared/errors';
import { httpChain, route } from '../../shared/http/chain';
import { LOOKUP_API } from '../../shared/http/lookup-api';
import { serverErrorLine, SERVER_ERRORS_METRIC } from '../../shared/observability/server-errors';

const event = (shopId: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'GET /v1/shops/{shopId}/badge',
    rawPath: `/v1/shops/${shopId}/badge`,
    rawQueryString: '',
    headers: {},
    pathParameters: { shopId },
    requestContext: { requestId: 'req-1', http: { method: 'GET', path: `/v1/shops/${shopId}/badge` } },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const context = { functionName: 'lookup', awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;

const handler = httpChain([
  route(LOOKUP_API.badge, async ({ path }) => {
    if (path.shopId === 'missing') throw notFound('no such shop');
    throw new Error('the table is gone');
  }),
]);

/** The EMF lines written to stdout during `run`. */
async function emfLinesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('ServerErrors metric', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'lookup');
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('a 500 answer writes one EMF data point: SellerBadges / ServerErrors = 1, dimension service', async () => {
    let response: APIGatewayProxyStructuredResultV2 | undefined;
    const lines = await emfLinesOf(async () => {
      response = (await handler(event('th-1'), context)) as APIGatewayProxyStructuredResultV2;
    });
    expect(response?.statusCode).toBe(500);
    const serverErrors = lines.filter((l) => l.ServerErrors !== undefined);
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]).toMatchObject({
      service: 'seller-badges',
      ServerErrors: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'SellerBadges', Dimensions: [['service']], Metrics: [{ Name: 'ServerErrors', Unit: 'Count' }] }] },
    });
  });

  it('a 4xx answer is not a server error', async () => {
    let response: APIGatewayProxyStructuredResultV2 | undefined;
    const lines = await emfLinesOf(async () => {
      response = (await handler(event('missing'), context)) as APIGatewayProxyStructuredResultV2;
    });
    expect(response?.statusCode).toBe(404);
    expect(lines.filter((l) => l.ServerErrors !== undefined)).toEqual([]);
  });

  it('outside Lambda (local server, tests) nothing is written: EMF means something only to CloudWatch Logs', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', undefined);
    const lines = await emfLinesOf(() => handler(event('th-1'), context));
    expect(lines).toEqual([]);
  });

  it('the line carries the timestamp it is given, in milliseconds', () => {
    const line = JSON.parse(serverErrorLine(1_700_000_000_000)) as { _aws: { Timestamp: number } };
    expect(line._aws.Timestamp).toBe(1_700_000_000_000);
    expect(SERVER_ERRORS_METRIC).toEqual({ namespace: 'SellerBadges', name: 'ServerErrors', service: 'seller-badges' });
  });
});
