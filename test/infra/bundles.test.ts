/**
 * Every function entry bundles with the stack's own esbuild options (what `npm run synth` ships): one
 * self-contained ESM file that gives bundled CommonJS code a `require`.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, FUNCTION_NAMES } from '../../infra/function-defaults';
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
    expect(code).toMatch(/export\s*\{[^}]*\bhandler\b/);
  });
});
