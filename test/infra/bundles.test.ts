/**
 * Every function entry bundles with the stack's own esbuild options (what `npm run synth` ships): one
 * self-contained ESM file that gives bundled CommonJS code a `require`.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLING, ESM_REQUIRE_BANNER, FUNCTION_NAMES, LAZY_SDK_IMPORTS, WEB_ASSET_HOOKS, bundlingFor } from '../../infra/function-defaults';
import { esbuildOptionsFor } from './bundle-sizes';

describe('function bundles', () => {
  it.each(FUNCTION_NAMES)('%s bundles into one self-contained ESM file', async (name) => {
    const result = await build(esbuildOptionsFor(name));
    expect(result.errors).toEqual([]);
    const js = (result.outputFiles ?? []).find((file) => file.path.endsWith('index.mjs'));
    expect(js).toBeDefined();
    const code = js?.text ?? '';
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    // The AWS SDK is bundled, not left for the runtime to provide: no bare @aws-sdk import remains.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/from\s*["']@smithy\//);
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  });

  it('only lookup (SDK parts it never loads) and web (its built assets) change the defaults', () => {
    for (const name of FUNCTION_NAMES.filter((n) => n !== 'lookup' && n !== 'web')) expect(bundlingFor(name)).toEqual(BUNDLING);
    expect(bundlingFor('lookup')).toEqual({ ...BUNDLING, externalModules: [...LAZY_SDK_IMPORTS] });
    expect(bundlingFor('web')).toEqual({ ...BUNDLING, commandHooks: WEB_ASSET_HOOKS });
    expect(WEB_ASSET_HOOKS.afterBundling('/in', '/out')).toEqual(['cd "/in" && npx tsx web/build.ts --out "/out"']);
  });

  it('lookup keeps the SDK, and its lazy parts stay lazy import() calls', async () => {
    const result = await build({ ...esbuildOptionsFor('lookup'), metafile: true });
    const code = (result.outputFiles ?? []).find((file) => file.path.endsWith('index.mjs'))?.text ?? '';
    const lazy = [...code.matchAll(/import\(\s*["'](@aws-sdk\/[^"']+|@smithy\/[^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(lazy.length).toBeGreaterThan(0);
    for (const specifier of lazy) expect(LAZY_SDK_IMPORTS).toContain(specifier);
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    expect(inputs.some((p) => p.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
  });

  it('lookup carries no classic zod, catalog, Metrics, SQS client or token verification (jose)', async () => {
    const result = await build({ ...esbuildOptionsFor('lookup'), metafile: true });
    const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([, info]) => info.bytesInOutput > 0)
      .map(([path]) => path);
    for (const heavy of ['node_modules/zod/v4/classic/', 'shared/programs/', '@aws-lambda-powertools/metrics', '@aws-sdk/client-sqs', 'shared/http/schemas.ts', 'node_modules/jose/', 'shared/http/auth.ts']) {
      expect(inputs.filter((p) => p.includes(heavy))).toEqual([]);
    }
  });
});
