/**
 * Minified bundle size of every function, bundled exactly as the stack bundles it (the same options
 * object, infra/function-defaults.ts bundlingFor(name): BUNDLING with the function's overrides). The bench
 * reports it as `bundles`.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FUNCTION_NAMES, REPO_ROOT, bundlingFor, functionEntry } from '../../infra/function-defaults';
import type { FunctionName } from '../../infra/function-defaults';

/** The esbuild options NodejsFunction derives from the function's bundling (it runs the same local esbuild). */
export function esbuildOptionsFor(name: FunctionName): BuildOptions {
  const bundling = bundlingFor(name);
  return {
    entryPoints: [functionEntry(name)],
    absWorkingDir: REPO_ROOT,
    // Never written: `outfile` only names the output (and its linked source map), as index.mjs in the asset.
    outfile: join(REPO_ROOT, 'cdk.out', 'bundle-sizes', name, 'index.mjs'),
    write: false,
    bundle: true,
    platform: 'node',
    format: bundling.format === OutputFormat.CJS ? 'cjs' : 'esm',
    target: bundling.target,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    mainFields: bundling.mainFields,
    external: bundling.externalModules,
    ...(bundling.banner !== undefined ? { banner: { js: bundling.banner } } : {}),
    logLevel: 'silent',
  };
}

/** Bytes of one function's minified JavaScript (the source map, loaded only for stack traces, is left out). */
export async function bundleSize(name: FunctionName): Promise<number> {
  const result = await build(esbuildOptionsFor(name));
  const js = (result.outputFiles ?? []).filter((file) => file.path.endsWith('.mjs') || file.path.endsWith('.js'));
  return js.reduce((total, file) => total + file.contents.byteLength, 0);
}

/** Bytes of each function's minified JavaScript. */
export async function bundleSizes(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of FUNCTION_NAMES) sizes[name] = await bundleSize(name);
  return sizes;
}
