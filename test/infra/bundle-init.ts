/**
 * Cold module init of a function bundle: the time a fresh node process takes to `import()` the built
 * index.mjs (read, parse, link, run the module body: config validation, SDK client construction). Node's
 * own start-up is not included. The bundle is written under cdk.out/bundle-init/<label>/, inside the repo,
 * so that modules left external resolve from node_modules as they would from the Lambda runtime's SDK.
 *
 * The child gets the functions' environment (DEFAULT_ENVIRONMENT: NODE_OPTIONS=--enable-source-maps, so
 * the source map is read as in Lambda) and a table name; nothing else of this process's environment.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { DEFAULT_ENVIRONMENT, REPO_ROOT } from '../../infra/function-defaults';
import type { FunctionName } from '../../infra/function-defaults';
import { esbuildOptionsFor } from './bundle-sizes';

export interface InitVariant {
  label: string;
  /** Changes to the function's own esbuild options (e.g. another `external`). */
  options?: Partial<BuildOptions>;
}

export interface InitResult {
  label: string;
  bytes: number;
  /** Median wall-clock time of the import. */
  medianMs: number;
  /** Median CPU time (user + system, all threads) of the import. */
  medianCpuMs: number;
  samplesMs: number[];
}

// Wall time, and the CPU time of the same span (less disturbed when other processes share the cores).
const IMPORT_TIMER =
  'const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]);' +
  'const w = performance.now() - t; const u = process.cpuUsage(c);' +
  'process.stdout.write(JSON.stringify([w, (u.user + u.system) / 1000]));';

interface Sample {
  wallMs: number;
  cpuMs: number;
}

function importOnce(file: string): Promise<Sample> {
  const env = {
    ...DEFAULT_ENVIRONMENT,
    PATH: process.env.PATH ?? '',
    TABLE_NAME: 'SellerBadges',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 && out.startsWith('[')) {
        const [wallMs, cpuMs] = JSON.parse(out) as [number, number];
        resolve({ wallMs, cpuMs });
      } else reject(new Error(`importing ${file} failed (exit ${code}): ${err.slice(-2000)}`));
    });
  });
}

async function writeBundle(name: FunctionName, variant: InitVariant): Promise<{ file: string; bytes: number }> {
  const file = join(REPO_ROOT, 'cdk.out', 'bundle-init', `${name}-${variant.label}`, 'index.mjs');
  const result = await build({ ...esbuildOptionsFor(name), ...variant.options, outfile: file, write: false });
  await mkdir(dirname(file), { recursive: true });
  let bytes = 0;
  for (const out of result.outputFiles ?? []) {
    await writeFile(out.path, out.contents);
    if (out.path.endsWith('.mjs')) bytes = out.contents.byteLength;
  }
  return { file, bytes };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/**
 * Median cold init of each variant of one function, `runs` fresh processes each, interleaved (a, b, c,
 * a, b, c, ...) so that a busy machine slows every variant alike. One untimed import per variant first
 * warms the file-system cache, as a deployed package is on local disk.
 */
export async function moduleInit(name: FunctionName, variants: InitVariant[] = [{ label: 'shipped' }], runs = 7): Promise<InitResult[]> {
  const built = await Promise.all(variants.map((v) => writeBundle(name, v)));
  for (const b of built) await importOnce(b.file);
  const samples: Sample[][] = variants.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let v = 0; v < variants.length; v++) samples[v]!.push(await importOnce(built[v]!.file));
  }
  return variants.map((v, i) => ({
    label: v.label,
    bytes: built[i]!.bytes,
    medianMs: round1(median(samples[i]!.map((x) => x.wallMs))),
    medianCpuMs: round1(median(samples[i]!.map((x) => x.cpuMs))),
    samplesMs: samples[i]!.map((x) => round1(x.wallMs)),
  }));
}
