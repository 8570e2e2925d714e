/**
 * A demo storefront for `npm start`: a product grid whose cards carry `<seller-badge>` elements of demo
 * shops, served on ANOTHER origin than the API (127.0.0.1 and its own port), so that the element is
 * exercised the way marketplaces embed it: cross-origin, one script tag. `?lang=th` (vi, ms, id, fil)
 * sets the page language; `?api=URL` points the script elsewhere.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MARKETS, type Market } from '../../shared/domain/calendar';
import { escapeHtml as esc } from '../../web/escape';

interface Product {
  name: string;
  shopId: string;
  market: Market;
  /** Minor units. */
  price: number;
  signals?: boolean;
}

/** One or two cards per kind of demo shop (functions/local/demo.ts): winners, Mall, near-misses, revoked, none. */
export const DEMO_PRODUCTS: Product[] = [
  { name: 'Wireless earbuds', shopId: 'th-0001', market: 'TH', price: 89_000, signals: true },
  { name: 'Rice cooker 1.8 L', shopId: 'th-0021', market: 'TH', price: 159_000 },
  { name: 'Phone case', shopId: 'th-0009', market: 'TH', price: 19_900 },
  { name: 'Silk scarf', shopId: 'th-0023', market: 'TH', price: 45_000 },
  { name: 'Coffee beans 500 g', shopId: 'vn-0002', market: 'VN', price: 245_000, signals: true },
  { name: 'Batik shirt', shopId: 'my-0003', market: 'MY', price: 8_900 },
  { name: 'Running shoes', shopId: 'id-0004', market: 'ID', price: 65_000_000 },
  { name: 'Dried mangoes', shopId: 'ph-0005', market: 'PH', price: 32_000 },
  { name: 'Desk lamp', shopId: 'sg-0006', market: 'SG', price: 3_990 },
  { name: 'Sneakers', shopId: 'us-0021', market: 'US', price: 12_000 },
  { name: 'Yoga mat', shopId: 'us-0023', market: 'US', price: 2_999, signals: true },
  { name: 'Tea towels', shopId: 'gb-0001', market: 'GB', price: 1_250 },
];

const LANGS = new Set(['en', 'th', 'vi', 'ms', 'id', 'fil']);

export function storefrontHtml(apiUrl: string, lang: string): string {
  const cards = DEMO_PRODUCTS.map((p, i) => {
    const { currency, minorUnits } = MARKETS[p.market];
    const price = new Intl.NumberFormat('en', { style: 'currency', currency }).format(p.price / 10 ** minorUnits);
    const hue = (i * 47) % 360;
    return `<li class="card"><div class="thumb" style="background:linear-gradient(135deg,hsl(${hue} 45% 82%),hsl(${(hue + 40) % 360} 45% 68%))">` +
      `<seller-badge shop-id="${esc(p.shopId)}"${p.signals ? ' signals' : ''}></seller-badge></div>` +
      `<h2>${esc(p.name)}</h2><p class="price">${esc(price)}</p><p class="shop">Sold by ${esc(p.shopId)}</p></li>`;
  }).join('');
  return `<!doctype html>
<html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo storefront · seller badges</title>
<style>
body{margin:0;font:15px/1.4 system-ui,"Noto Sans","Noto Sans Thai",sans-serif;color:#1f1f1f;background:#f4f4f2}
header{background:#fff;padding:14px 24px;border-bottom:1px solid #ddd}h1{font-size:18px;margin:0}
nav a{margin-right:10px;color:#0b57d0}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;overflow:hidden}
.thumb{height:150px;padding:8px;box-sizing:border-box}
.card h2{font-size:15px;margin:8px 10px 0}.price{margin:2px 10px;font-weight:700;color:#b3261e}.shop{margin:0 10px 10px;color:#555;font-size:13px}
</style>
<script type="module" src="${esc(apiUrl)}/embed/badge.js"></script>
</head><body>
<header><h1>Demo storefront</h1><nav aria-label="Language">${[...LANGS].map((l) => `<a href="?lang=${l}">${l}</a>`).join('')}</nav></header>
<main><ul aria-label="Products">${cards}</ul></main>
</body></html>`;
}

/** Serves the storefront on 127.0.0.1:`port` (0: any free port); the badge script comes from `apiUrl`. */
export async function startStorefront(apiUrl: string, port: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const lang = url.searchParams.get('lang') ?? 'en';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(storefrontHtml(url.searchParams.get('api') ?? apiUrl, LANGS.has(lang) ? lang : 'en'));
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve());
    });
  // The preferred port may be taken (another program, a second `npm start`): any free one will do.
  await listen(port).catch(() => listen(0));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
