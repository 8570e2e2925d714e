/**
 * Minified bundle size of every function, bundled exactly as the stack bundles it (the same options
 * object, infra/function-defaults.ts BUNDLING). The bench reports it as `bundles`.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLING, FUNCTION_NAMES, REPO_ROOT, functionEntry } from '../../infra/function-defaults';
import type { FunctionName } from '../../infra/function-defaults';

/** The esbuild options NodejsFunction derives from BUNDLING (it runs the same local esbuild). */
export function esbuildOptionsFor(name: FunctionName): BuildOptions {
  return {
    entryPoints: [functionEntry(name)],
    absWorkingDir: REPO_ROOT,
    // Never written: `outfile` only names the output (and its linked source map), as index.mjs in the asset.
    outfile: join(REPO_ROOT, 'cdk.out', 'bundle-sizes', name, 'index.mjs'),
    write: false,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format === OutputFormat.CJS ? 'cjs' : 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: BUNDLING.mainFields,
    external: BUNDLING.externalModules,
    ...(BUNDLING.banner !== undefined ? { banner: { js: BUNDLING.banner } } : {}),
    logLevel: 'silent',
  };
}

/** Bytes of each function's minified JavaScript (the source map, loaded only for stack traces, is left out). */
export async function bundleSizes(): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const name of FUNCTION_NAMES) {
    const result = await build(esbuildOptionsFor(name));
    const js = (result.outputFiles ?? []).filter((file) => file.path.endsWith('.mjs') || file.path.endsWith('.js'));
    sizes[name] = js.reduce((total, file) => total + file.contents.byteLength, 0);
  }
  return sizes;
}
