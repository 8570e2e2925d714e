/**
 * The storefront element's weight: `embed/badge.js` as web/build.ts builds it (minified ES module), raw
 * and gzipped (what a storefront downloads; target <= 6 KB), and the Seller Center page with its inlined
 * script.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWebAssets, WEB_ASSETS } from '../../web/build';
import type { Section } from './run';

export async function benchEmbed(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'seller-badges-embed-'));
  try {
    await buildWebAssets(dir);
    const embed = await readFile(join(dir, WEB_ASSETS.embed));
    const seller = await readFile(join(dir, WEB_ASSETS.seller));
    return {
      bytes: embed.byteLength,
      gzipBytes: gzipSync(embed, { level: 9 }).byteLength,
      sellerPageBytes: seller.byteLength,
      sellerPageGzipBytes: gzipSync(seller, { level: 9 }).byteLength,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const embedSection: Section = {
  name: 'embed',
  run: async () => benchEmbed(),
  targets: [{ metric: 'gzipBytes', max: 6 * 1024 }],
};
