/**
 * Trust signals on DynamoDB Local: the real lookup handler's GET /v1/shops/{id}/signals against its floor,
 * a bare Query of the same shop's 30 DAY# items (low-level client, no conversion), in the same run.
 *
 * - Data: `shops` (200) profiles over every market, each with 45 days of daily records ending at the
 *   clock's date (so the window is full and the Query reads 30 items).
 * - Timing: after a warm-up, the two alternate call by call over one seeded sequence of shop ids, the order
 *   flipped each time, so that pauses of a busy machine hit both alike. `p50RatioVsQuery` = p50 of ours /
 *   p50 of the floor (target <= 1.3): the profile read runs beside the Query, not after it.
 * - Correctness guard: every answer is a 200 whose window holds 30 days and whose signals are not null.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { localClientConfig } from '../../functions/local/dynamodb-local';
import { prng } from '../../functions/local/prng';
import { addDays, localDate, MARKET_CODES, timeZoneOf, trailingWindow } from '../../shared/domain/calendar';
import { LOOKUP_API } from '../../shared/http/lookup-api';
import { routeKey } from '../../shared/http/routes';
import { useServices } from '../../shared/runtime';
import { daySk, shopPk } from '../../shared/store/keys';
import { putShop } from '../../shared/usecases/ingest';
import type { ShopSignals } from '../../shared/usecases/signals';
import { startTestDb, testClock, testServices } from '../support/harness';
import { healthyDays } from '../support/records';
import type { Section } from './run';
import { r3 } from './stats';

const CLOCK = '2026-11-15T06:00:00.000Z';
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const CONTEXT = { awsRequestId: 'bench', functionName: 'seller-badges-lookup', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function signalsEvent(shopId: string): APIGatewayProxyEventV2 {
  const key = routeKey(LOOKUP_API.signals);
  const rawPath = `/v1/shops/${shopId}/signals`;
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString: '',
    headers: { host: '127.0.0.1' },
    pathParameters: { shopId },
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench',
      routeKey: key,
    },
  } as unknown as APIGatewayProxyEventV2;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function benchSignals(opts: { shops?: number; calls?: number; warmupCalls?: number; log?: (line: string) => void } = {}) {
  const log = opts.log ?? (() => undefined);
  const shopCount = opts.shops ?? 200;
  const calls = opts.calls ?? 2_000;
  const warmupCalls = opts.warmupCalls ?? 300;
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const db = await startTestDb();
  const raw = new DynamoDBClient(localClientConfig(db.endpoint));
  try {
    const table = await db.table();
    const svc = testServices(db, table, { clock: testClock(CLOCK) });
    log(`loading ${shopCount} shops with 45 days of records...`);
    const shopIds = Array.from({ length: shopCount }, (_, i) => `sig-${String(i).padStart(5, '0')}`);
    for (const [i, shopId] of shopIds.entries()) {
      const market = MARKET_CODES[i % MARKET_CODES.length]!;
      await putShop(svc, shopId, { market, name: shopId, onboardedAt: '2024-01-01', certifications: [] });
      const today = localDate(new Date(CLOCK), timeZoneOf(market));
      await svc.metrics.putDays(healthyDays(shopId, addDays(today, -44), 45));
    }
    useServices(svc);
    const ours = (await import('../../functions/lookup/handler')).handler as unknown as Handler;
    const windows = new Map(shopIds.map((id, i) => [id, trailingWindow(new Date(CLOCK), timeZoneOf(MARKET_CODES[i % MARKET_CODES.length]!))]));
    const floor = async (shopId: string) => {
      const w = windows.get(shopId)!;
      const out = await raw.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': { S: shopPk(shopId) }, ':a': { S: daySk(w.from) }, ':b': { S: daySk(w.to) } },
        }),
      );
      if (out.Items?.length !== 30) throw new Error(`the floor read ${out.Items?.length} days of ${shopId}`);
    };
    const runOurs = async (shopId: string) => {
      const out = await ours(signalsEvent(shopId), CONTEXT);
      if (out.statusCode !== 200) throw new Error(`signals of ${shopId} answered ${out.statusCode}: ${out.body}`);
      const body = JSON.parse(out.body as string) as ShopSignals;
      if (body.signals.onTimeDispatchRate?.events !== 300) throw new Error(`signals of ${shopId}: ${out.body}`);
    };

    const random = prng(20261201);
    const sequence = Array.from({ length: warmupCalls + calls }, () => shopIds[Math.floor(random() * shopCount)]!);
    log(`warming up (${warmupCalls} calls each), then timing ${calls} of each, alternating...`);
    const timesOurs: number[] = [];
    const timesFloor: number[] = [];
    const time = async (into: number[] | null, fn: () => Promise<void>) => {
      const start = performance.now();
      await fn();
      into?.push(performance.now() - start);
    };
    for (const [k, shopId] of sequence.entries()) {
      const measured = k >= warmupCalls;
      const a = () => time(measured ? timesOurs : null, () => runOurs(shopId));
      const b = () => time(measured ? timesFloor : null, () => floor(shopId));
      if (k % 2 === 0) {
        await a();
        await b();
      } else {
        await b();
        await a();
      }
    }
    const oursP50 = p50(timesOurs);
    const queryP50 = p50(timesFloor);
    return { shops: shopCount, calls, signalsP50Ms: r3(oursP50), queryP50Ms: r3(queryP50), p50RatioVsQuery: r3(oursP50 / queryP50) };
  } finally {
    raw.destroy();
    await db.stop();
  }
}

export const signalsSection: Section = {
  name: 'signals',
  run: async (ctx) => benchSignals({ log: ctx.log, shops: Math.min(ctx.shops ?? 200, 200) }),
  targets: [{ metric: 'p50RatioVsQuery', max: 1.3 }],
};
