/**
 * GET /embed/badge.js and GET /seller/ through the local gateway: the web function serves what
 * web/build.ts built at start-up, as a cacheable JavaScript module for any origin and a plain HTML page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../functions/local/stack';
import { request } from '../support/http';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, demo: false });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('web assets', () => {
  it('/embed/badge.js is one ES module for any origin, cacheable, with an ETag', async () => {
    const answer = await request(stack.url, 'GET', '/embed/badge.js', { headers: { origin: 'https://shop.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(answer.text).toContain('customElements.define("seller-badge"');
    // Self-contained: no import of another module.
    expect(answer.text).not.toMatch(/\bimport\s*[{*"'\w]|\bimport\(/);
    const etag = answer.headers.get('etag')!;
    const again = await request(stack.url, 'GET', '/embed/badge.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('/seller/ is an HTML page with its script inlined (one request)', async () => {
    const answer = await request(stack.url, 'GET', '/seller/');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/^<!doctype html>/i);
    expect(answer.text).toContain('<script type="module">');
    expect(answer.text).not.toContain('<!--SCRIPT-->');
  });

  it('the demo storefront is on another origin and loads the element from the API', async () => {
    expect(new URL(stack.storefrontUrl).origin).not.toBe(new URL(stack.url).origin);
    const page = await fetch(stack.storefrontUrl).then((r) => r.text());
    expect(page).toContain(`<script type="module" src="${stack.url}/embed/badge.js"></script>`);
    expect(page.match(/<seller-badge /g)?.length).toBeGreaterThanOrEqual(10);
  });
});
