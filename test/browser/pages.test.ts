/// <reference lib="dom" />
/**
 * The storefront element and the Seller Center page in a real browser (Debian chromium through
 * playwright-core), against the local stack with demo data on a fixed clock. The storefront pages are on
 * another origin than the API (the stack's demo storefront, and the test's own pages, on 127.0.0.1 and
 * ports of their own), as marketplaces embed the element. The pages come from real servers: a page
 * fulfilled by request interception counts as public to Chromium, whose Local Network Access checks then
 * block its requests to localhost.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { REPO_ROOT } from '../../functions/local/tokens';
import type { Eligibility, ProjectionView } from '../../shared/usecases/eligibility';
import { launchChromium, type Browser } from './chromium';

/** 20 November 2026, 12:00 in Bangkok: November's badges are out, December's period has 5 days left. */
const NOW = new Date('2026-11-20T05:00:00.000Z');
const SCREENSHOTS = join(REPO_ROOT, 'test-results');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let stack: LocalStack;
let browser: Browser;
/** The test's own storefront server: serves `shopHtml` at any path. */
let shopServer: Server;
let shopHtml = '';

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [stack, browser] = await Promise.all([startLocalStack({ port: 0, demo: true, clock: () => NOW }), launchChromium()]);
  shopServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopHtml));
  await new Promise<void>((resolve) => shopServer.listen(0, '127.0.0.1', resolve));
}, 300_000);

afterAll(async () => {
  shopServer?.closeAllConnections();
  shopServer?.close();
  await browser?.close();
  await stack?.stop();
});

/** A storefront page on 127.0.0.1 (the test's server) that includes the element's script from the API. */
async function storefront(
  body: string,
  opts: { lang?: string; setup?: (page: Page) => Promise<void>; waitUntil?: 'load' | 'commit' } = {},
): Promise<{ page: Page; badgeCalls: string[][] }> {
  const page = await browser.context.newPage();
  const badgeCalls: string[][] = [];
  page.on('request', (r: Request) => {
    const url = new URL(r.url());
    if (url.pathname === '/v1/badges') badgeCalls.push((url.searchParams.get('shopIds') ?? '').split(','));
  });
  shopHtml = `<!doctype html><html lang="${opts.lang ?? 'en'}"><head><title>Shop</title><script type="module" src="${stack.url}/embed/badge.js"></script></head><body><main>${body}</main></body></html>`;
  await opts.setup?.(page);
  await page.goto(`http://127.0.0.1:${(shopServer.address() as AddressInfo).port}/`, { waitUntil: opts.waitUntil ?? 'load' });
  return { page, badgeCalls };
}

/** Waits until `count` elements have answered (rendered a badge, or settled on nothing). */
async function badgesShown(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => Array.from(document.querySelectorAll('seller-badge')).filter((el) => el.shadowRoot?.querySelector('[part=label]')).length >= n,
    count,
  );
}

async function axeSeriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string; nodes: unknown[] }[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

describe('<seller-badge> on a storefront', () => {
  it('looks up 150 elements of 120 distinct shops in 2 calls, and elements added later in one task share 1 more', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => (i < 26 ? `th-${String(i + 1).padStart(4, '0')}` : `nobody-${i}`));
    const elements = Array.from({ length: 150 }, (_, i) => `<seller-badge shop-id="${ids[i % 120]}"></seller-badge>`);
    // Half of them far below the fold: out of view counts too.
    const { page, badgeCalls } = await storefront(`${elements.slice(0, 75).join('')}<div style="height:3000px"></div>${elements.slice(75).join('')}`);
    await badgesShown(page, 8); // th-0001..th-0008 win TopChoice
    await page.waitForLoadState('networkidle');
    expect(badgeCalls).toHaveLength(2);
    expect(badgeCalls.every((call) => call.length <= 100)).toBe(true);
    expect(new Set(badgeCalls.flat())).toEqual(new Set(ids));

    // In one task: 20 elements appended at once, and 10 more after a microtask; 5 new ids among them.
    await page.evaluate(async () => {
      const add = (id: string) => document.body.appendChild(document.createElement('seller-badge')).setAttribute('shop-id', id);
      for (let i = 0; i < 20; i++) add(i % 2 ? 'th-0001' : `late-${i % 6}`);
      await Promise.resolve();
      for (let i = 0; i < 10; i++) add(i % 2 ? 'my-0001' : 'th-0002');
    });
    await page.waitForFunction(() => document.querySelectorAll('seller-badge').length === 180);
    await badgesShown(page, 8 + 20 / 2 + 5 + 5 + 1);
    await page.waitForLoadState('networkidle');
    expect(badgeCalls).toHaveLength(3);
    expect(new Set(badgeCalls[2])).toEqual(new Set(['late-0', 'late-2', 'late-4', 'my-0001']));
    await page.close();
  });

  it("shows the program's label in the page's language, with an accessible name naming the label and month", async () => {
    const { page } = await storefront('<p>Khao man gai <seller-badge shop-id="th-0001"></seller-badge></p>', { lang: 'th' });
    await badgesShown(page, 1);
    const label = page.locator('seller-badge').locator('[part=label]');
    await expect.poll(() => label.textContent()).toBe('ร้านค้าแนะนำ');
    const name = await label.getAttribute('aria-label');
    expect(name).toContain('ร้านค้าแนะนำ');
    expect(name).toMatch(/พฤศจิกายน 2569|พฤศจิกายน 2026/); // November 2026 (Thai calendars count Buddhist years)
    await page.close();

    const english = await storefront('<p>Earbuds <seller-badge shop-id="th-0001"></seller-badge></p>', { lang: 'en-GB' });
    await badgesShown(english.page, 1);
    const en = english.page.locator('seller-badge [part=label]');
    expect(await en.textContent()).toBe('TopChoice');
    expect(await en.getAttribute('aria-label')).toBe('TopChoice badge, valid for November 2026');
    expect(await english.page.getByRole('img', { name: /TopChoice badge, valid for November 2026/ }).count()).toBe(1);
    await english.page.close();
  });

  it('a shop with no badge renders nothing and takes no space; nor does the badge itself take any in the flow', async () => {
    const { page } = await storefront(
      '<p id="line">Before<seller-badge id="none" shop-id="th-0009"></seller-badge><seller-badge id="unknown" shop-id="nobody"></seller-badge><seller-badge id="top" shop-id="th-0001"></seller-badge>After</p>',
    );
    await badgesShown(page, 1);
    await page.waitForLoadState('networkidle');
    for (const id of ['none', 'unknown']) {
      expect(await page.locator(`#${id}`).evaluate((el) => el.shadowRoot?.innerHTML)).toBe('');
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box?.width).toBe(0);
      expect(box?.height).toBe(0);
    }
    expect((await page.locator('#top').boundingBox())?.width).toBe(0);
    expect((await page.locator('#top [part=label]').boundingBox())?.width).toBeGreaterThan(20);
    await page.close();
  });

  it('a failing API leaves the page intact: no badge, no error, the content still there', async () => {
    const errors: string[] = [];
    const { page, badgeCalls } = await storefront('<h1>Deals</h1><seller-badge shop-id="th-0001" signals></seller-badge><p>Free shipping today</p>', {
      setup: async (p) => {
        p.on('pageerror', (e) => errors.push(e.message));
        await p.route(`${stack.url}/v1/**`, (route) => route.abort('connectionrefused'));
      },
    });
    await page.waitForLoadState('networkidle');
    expect(badgeCalls).toHaveLength(1);
    expect(await page.locator('h1').textContent()).toBe('Deals');
    expect(await page.locator('p').textContent()).toBe('Free shipping today');
    expect(await page.locator('seller-badge').evaluate((el) => el.shadowRoot?.innerHTML)).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('nothing moves when the script upgrades elements, even one alone in its own block or inside a line', async () => {
    // The script is held back until the page is measured without it, then let go.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { page } = await storefront(
      '<div class="card"><seller-badge shop-id="th-0001"></seller-badge></div><p id="after-block">after block</p>' +
        '<p>Sold by <seller-badge shop-id="th-0002" signals></seller-badge> <span id="inline">Siam Gadgets</span></p><p id="last">last</p>',
      {
        // A held module script holds DOMContentLoaded and load too: measure once the body is parsed.
        waitUntil: 'commit',
        setup: async (p) => {
          await p.route(`${stack.url}/embed/badge.js`, async (route) => {
            await held;
            await route.continue();
          });
        },
      },
    );
    const positions = () =>
      page.evaluate(() => ['after-block', 'inline', 'last'].map((id) => document.getElementById(id)!.getBoundingClientRect()).map((r) => [r.x, r.y, r.width, r.height]));
    await page.waitForSelector('#last');
    const before = await positions();
    release();
    await badgesShown(page, 2);
    expect(await positions()).toEqual(before);
    await page.close();
  });

  it('the demo storefront (another origin) shows badges with no layout shift, passes axe, and is screenshotted', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { shifts: number };
      w.shifts = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.shifts += (entry as unknown as { value: number }).value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(stack.storefrontUrl);
    expect(new URL(stack.storefrontUrl).origin).not.toBe(new URL(stack.url).origin);
    await badgesShown(page, 8);
    await page.waitForLoadState('networkidle');
    // Observer callbacks arrive as tasks: two frames after the last answer, every shift has been counted.
    const shifts = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => resolve((window as unknown as { shifts: number }).shifts))),
        ),
    );
    expect(shifts).toBe(0);
    const signals = page.locator('seller-badge[shop-id="th-0001"] [part=signals]');
    expect(await signals.textContent()).toMatch(/on-time dispatch/);
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'storefront.png'), fullPage: true });
    await page.close();
  });
});

describe('the Seller Center page', () => {
  async function open(shopId: string, query = ''): Promise<Page> {
    const page = await browser.context.newPage();
    const token = await stack.sellerToken(shopId);
    await page.goto(`${stack.url}/seller/${query}#token=${token}`);
    await page.locator('#history table').waitFor();
    return page;
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${stack.operatorToken}` } });
    return (await res.json()) as T;
  }

  it("shows a known shop's numbers, criterion by criterion, with the period in local dates and time zone", async () => {
    const page = await open('th-0001');
    expect(page.url()).not.toContain('token');
    expect(await page.evaluate(() => sessionStorage.getItem('seller-badges:token'))).toMatch(/^ey/);
    const e = await api<Eligibility>('/v1/shops/th-0001/eligibility');
    const text = (await page.locator('#eligibility').textContent()) ?? '';
    expect(text).toContain('Awarded');
    expect(text).toContain('Asia/Bangkok');
    expect(text).toContain('Sep 26, 2026 – Oct 25, 2026');
    const volume = e.programs.find((p) => p.program === 'top-choice')!.criteria.find((c) => c.id === 'volume')!;
    expect(text).toContain(`${(volume.actual as number).toLocaleString('en')}`);
    expect(text).toMatch(/THB|฿/); // the sales alternative, in the market currency
    expect(text).toMatch(/\d+(\.\d+)?%/); // rates as percentages
    expect(await page.locator('#badge').textContent()).toContain('TopChoice');
    const history = await api<{ months: unknown[] }>('/v1/shops/th-0001/history?limit=12');
    expect(await page.locator('#history tbody tr').count()).toBe(history.months.length);
    expect(await axeSeriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'seller-page.png'), fullPage: true });
    await page.close();
  });

  it("shows a revoked badge's reason", async () => {
    const page = await open('th-0023');
    const e = await api<Eligibility>('/v1/shops/th-0023/eligibility');
    expect(e.status).toBe('revoked');
    expect(await page.locator('#eligibility').textContent()).toContain(e.revocation!.reason);
    await page.close();
  });

  it('shows the projection: days left and, for a failing criterion, what is needed in words', async () => {
    const page = await open('th-0010');
    const p = await api<ProjectionView>('/v1/shops/th-0010/projection');
    const text = (await page.locator('#projection').textContent()) ?? '';
    expect(text).toContain(`${p.daysLeft} days left`);
    const failing = p.programs.flatMap((prog) => prog.criteria).filter((c) => !c.passed);
    expect(failing.length).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`more completed orders in ${p.daysLeft} days`));
    await page.screenshot({ path: join(SCREENSHOTS, 'seller-page-near-miss.png'), fullPage: true });
    await page.close();
  });

  it('an operator opens any shop with ?shop= and another month with ?month=', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${stack.url}/seller/?shop=th-0002&month=2026-10#token=${stack.operatorToken}`);
    await page.locator('#history table').waitFor();
    expect(await page.locator('#shop').textContent()).toContain('th-0002');
    expect(await page.locator('#eligibility h2').textContent()).toContain('October 2026');
    await page.close();
  });
});
