/**
 * GET /v1/shops/{shopId}/signals over HTTP on the local stack (DynamoDB Local, the local gateway, the
 * deployed lookup handler), with a fixed clock: 2026-12-01T03:00Z is 1 December in Bangkok and still
 * 30 November in Los Angeles, so the TH and US windows differ by one day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import type { LocalDate, Market } from '../../shared/domain/calendar';
import type { ShopSignals } from '../../shared/usecases/signals';
import { expectErrorShape, request } from '../support/http';
import { blankDay, type DayValues } from '../support/records';

const NOW = new Date('2026-12-01T03:00:00.000Z');
let stack: LocalStack;

const get = <T>(path: string, headers?: Record<string, string>) => request<T>(stack.url, 'GET', path, { headers });

async function putShop(shopId: string, market: Market): Promise<void> {
  const answer = await request(stack.url, 'PUT', `/v1/shops/${shopId}`, { token: stack.operatorToken, body: { market, name: shopId, onboardedAt: '2025-01-01', certifications: [] } });
  expect(answer.status, answer.text).toBe(200);
}

async function putDays(days: { shopId: string; date: LocalDate; values: DayValues }[]): Promise<void> {
  const records = days.map((d) => blankDay(d.shopId, d.date, d.values));
  const answer = await request<{ accepted: number }>(stack.url, 'POST', '/v1/metrics', { token: stack.operatorToken, body: { records } });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.body.accepted).toBe(records.length);
}

const busy = (shipped: number, late: number, chats: number, answered: number, ratings: number, positive: number): DayValues => ({
  ordersPlaced: shipped,
  ordersShipped: shipped,
  lateDispatches: late,
  chatsReceived: chats,
  chatsAnsweredWithin24h: answered,
  productRatings: ratings,
  positiveProductRatings: positive,
});

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: false, clock: () => NOW });
  await putShop('sig-th', 'TH');
  await putShop('sig-us', 'US');
  await putShop('sig-quiet', 'TH');
  await putDays([
    // TH window: 2026-11-01..2026-11-30. The 31 October and today (1 December) are outside.
    { shopId: 'sig-th', date: '2026-10-31', values: busy(900, 900, 900, 0, 900, 0) },
    { shopId: 'sig-th', date: '2026-11-01', values: busy(200, 4, 40, 38, 30, 29) },
    { shopId: 'sig-th', date: '2026-11-29', values: busy(212, 8, 48, 42, 120, 115) },
    { shopId: 'sig-th', date: '2026-12-01', values: busy(900, 900, 900, 0, 900, 0) },
    // US window: 2026-10-31..2026-11-29 (Los Angeles is still on 30 November, today there).
    { shopId: 'sig-us', date: '2026-10-31', values: busy(30, 3, 25, 20, 10, 10) },
    { shopId: 'sig-us', date: '2026-11-30', values: busy(900, 900, 900, 0, 900, 0) },
    { shopId: 'sig-quiet', date: '2026-11-15', values: busy(19, 0, 19, 19, 19, 19) },
  ]);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('GET /v1/shops/{shopId}/signals', () => {
  it('sums the 30 market-local days ending yesterday (TH)', async () => {
    const answer = await get<ShopSignals>('/v1/shops/sig-th/signals');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual({
      shopId: 'sig-th',
      asOf: '2026-11-29',
      window: { from: '2026-11-01', to: '2026-11-30' },
      signals: {
        onTimeDispatchRate: { value: 1 - 12 / 412, events: 412 },
        chatReplyRate24h: { value: 80 / 88, events: 88 },
        positiveRatingRate: { value: 144 / 150, events: 150 },
      },
    });
  });

  it("uses the shop's own market day: a US shop's window ends a day earlier at this instant", async () => {
    const answer = await get<ShopSignals>('/v1/shops/sig-us/signals');
    expect(answer.body.window).toEqual({ from: '2026-10-31', to: '2026-11-29' });
    expect(answer.body.asOf).toBe('2026-10-31');
    expect(answer.body.signals.onTimeDispatchRate).toEqual({ value: 0.9, events: 30 });
    expect(answer.body.signals.chatReplyRate24h).toEqual({ value: 0.8, events: 25 });
    expect(answer.body.signals.positiveRatingRate).toBeNull();
  });

  it('under 20 events every signal is null, but asOf still names the last day with data', async () => {
    const answer = await get<ShopSignals>('/v1/shops/sig-quiet/signals');
    expect(answer.body.asOf).toBe('2026-11-15');
    expect(answer.body.signals).toEqual({ onTimeDispatchRate: null, chatReplyRate24h: null, positiveRatingRate: null });
  });

  it('an unknown shop is a 200 with every signal null (its window is in UTC)', async () => {
    const answer = await get<ShopSignals>('/v1/shops/nobody-here/signals');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      shopId: 'nobody-here',
      asOf: null,
      window: { from: '2026-11-01', to: '2026-11-30' },
      signals: { onTimeDispatchRate: null, chatReplyRate24h: null, positiveRatingRate: null },
    });
  });

  it('is cacheable: bounded max-age, an ETag, 304 on If-None-Match, CORS for browsers', async () => {
    const first = await get('/v1/shops/sig-th/signals?cachebuster=1');
    const maxAge = Number(/public, max-age=(\d+)/.exec(first.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const second = await get('/v1/shops/sig-th/signals', { 'if-none-match': etag! });
    expect(second.status).toBe(304);
    expect(second.text).toBe('');
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a malformed shop id is a 400 in the contract shape', async () => {
    const answer = await get('/v1/shops/bad%20id/signals');
    expectErrorShape(answer, 400);
  });
});
