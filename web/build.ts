/**
 * Bundles the web assets from source with esbuild: the storefront element (`embed/badge.js`, one
 * self-contained ES module) and the Seller Center page (`seller/index.html`, its script inlined: one
 * request for the whole page). Used by the local stack at start-up, by the web function's CDK bundling
 * (commandHooks) and by the bench; the output is never committed.
 *
 *   tsx web/build.ts --out DIR
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));

/** Files written under the output directory, relative to it (the web function serves these). */
export const WEB_ASSETS = { embed: 'embed/badge.js', seller: 'seller/index.html' } as const;

const BROWSER: BuildOptions = {
  bundle: true,
  format: 'esm',
  // Browsers of the last few years: custom elements, shadow DOM, import.meta, optional chaining.
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
};

async function bundle(entry: string): Promise<string> {
  const out = await build({ ...BROWSER, entryPoints: [join(WEB_DIR, entry)] });
  return out.outputFiles?.[0]?.text ?? '';
}

/** Builds every asset into `outDir`; returns the written paths. */
export async function buildWebAssets(outDir: string): Promise<string[]> {
  const [embed, sellerScript, sellerHtml] = await Promise.all([
    bundle('embed/badge.ts'),
    bundle('seller/page.ts'),
    readFile(join(WEB_DIR, 'seller/index.html'), 'utf8'),
  ]);
  // `</script` cannot appear inside an inline script: esbuild escapes it in strings, this is a guard.
  if (/<\/script/i.test(sellerScript)) throw new Error('the seller page script contains </script');
  const files: Record<string, string> = {
    [WEB_ASSETS.embed]: embed,
    [WEB_ASSETS.seller]: sellerHtml.replace('<!--SCRIPT-->', () => `<script type="module">${sellerScript}</script>`),
  };
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(outDir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? process.argv[i + 1] : undefined;
  if (!out) {
    console.error('usage: tsx web/build.ts --out DIR');
    process.exit(2);
  }
  const written = await buildWebAssets(out);
  console.log(`web assets: ${written.join(', ')}`);
}
