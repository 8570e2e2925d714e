/**
 * Our Lambda defaults, in one place: the BadgeFunction construct builds every function from them and
 * test/infra/bundle-sizes.ts bundles with the very same esbuild options, so the sizes it reports are the
 * sizes that ship.
 *
 * Infra points at handler *entry files* only; it never imports handler code.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** One folder per deployed function: `functions/<name>/handler.ts`, exporting `handler`. */
export const FUNCTION_NAMES = ['lookup', 'seller', 'ingest', 'admin', 'web', 'planner', 'worker', 'watchdog', 'dead-letter'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function functionEntry(name: FunctionName): string {
  return join(REPO_ROOT, 'functions', name, 'handler.ts');
}

export const RUNTIME = Runtime.NODEJS_22_X;
export const ARCHITECTURE = Architecture.ARM_64;
/** 1 GB buys a full share of a vCPU for parsing the bundle at cold start; lookup overrides it (512). */
export const DEFAULT_MEMORY_MB = 1024;
/** API handlers answer well inside the HTTP API's 30 s integration limit; batch functions override it. */
export const DEFAULT_TIMEOUT = Duration.seconds(10);
export const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Powertools' service name: also the default `service` dimension of every metric it publishes. */
export const SERVICE_NAME = 'seller-badges';
export const METRICS_NAMESPACE = 'SellerBadges';

/** Read by Powertools (Logger, Metrics) in shared/; NODE_OPTIONS maps stack traces to TypeScript. */
export const DEFAULT_ENVIRONMENT: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  NODE_OPTIONS: '--enable-source-maps',
};

/**
 * esbuild emits ESM; CommonJS dependencies bundled into it (some Smithy internals) still call `require`,
 * which ESM does not define. The banner gives them one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  // Stack traces need the mappings, not a copy of our sources: a smaller .map to read at start-up.
  sourcesContent: false,
  // Prefer the ESM builds of dependencies (AWS SDK v3, Powertools) so esbuild can tree-shake them.
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  // Bundle AWS SDK v3 instead of excluding '@aws-sdk/*' (which nodejs22.x provides): a tree-shaken,
  // minified single file is read and parsed faster at init than the runtime's full, unminified SDK
  // packages resolved from disk (AWS Developer Tools blog, "Reduce Lambda cold start times: migrate to
  // AWS SDK for JavaScript v3", and the Compute blog "Optimizing Node.js dependencies in AWS Lambda"),
  // and the bundle runs the SDK version we tested (package-lock.json), not whatever the runtime carries.
  externalModules: [],
  // Synth and tests must work offline and without Docker: the local esbuild from devDependencies bundles.
  forceDockerBundling: false,
};

/**
 * Parts of the AWS SDK that it `import()`s lazily and that a DynamoDB client in Lambda never loads:
 * - the credential sources after the first: the default chain tries them only when the environment holds
 *   no credentials, and in Lambda it always does (the runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 *   and AWS_SESSION_TOKEN, read by fromEnv, which is bundled and first in the chain);
 * - event-stream serde: loaded only by operations with event streams, which DynamoDB has none of.
 * Left external they stay `import()` calls (were one ever reached, nodejs22.x would resolve it from its own
 * SDK copy); bundled they are ~150 KB of the lookup's 410 KB (STS, SSO and sign-in clients with the XML
 * protocol, IMDS, the event-stream codec), read and compiled at every cold start for nothing.
 */
export const LAZY_SDK_IMPORTS = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
] as const;

/** Runs web/build.ts into the web function's output directory (its handler reads the files beside it). */
export const WEB_ASSET_HOOKS: NonNullable<BundlingOptions['commandHooks']> = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [`cd "${inputDir}" && npx tsx web/build.ts --out "${outputDir}"`],
};

/**
 * Per-function changes to BUNDLING, for the public lookup (high volume: its cold starts are storefront
 * latency). It keeps the SDK bundled, without the lazy parts above.
 *
 * Why not leave the SDK to the runtime (nodejs22.x ships v3: externalModules '@aws-sdk/*', '@smithy/*')?
 * The file would be ~67 KB instead of ~258 KB, but it initialises about 3 times slower: node then loads
 * the packages' CommonJS builds (~2 MB of whole packages, unminified, many files) at every cold start,
 * against one tree-shaken, minified file. Measured with test/infra/bundle-init.ts (fresh node, import() of
 * the built bundle, median; `npm run -s bench -- --json --only lookup` reports `initVariants`), in CPU ms
 * (wall ms on a busy 2-core machine are higher and noisier, in the same order):
 *   shipped (this override)  258 KB   ~57 ms
 *   SDK bundled (BUNDLING)   409 KB   ~75 ms
 *   SDK external              67 KB  ~165 ms
 * Cold init decides, so the SDK stays bundled. Bundled also runs the SDK version we tested
 * (package-lock.json), not whatever version the runtime carries that month.
 */
export const BUNDLING_OVERRIDES: Partial<Record<FunctionName, Partial<BundlingOptions>>> = {
  lookup: { externalModules: [...LAZY_SDK_IMPORTS] },
  // The web function serves the element and the Seller Center page, built from web/ into its own asset.
  web: { commandHooks: WEB_ASSET_HOOKS },
};

/** The bundling options a function ships with: BUNDLING with its overrides. */
export function bundlingFor(name: FunctionName): BundlingOptions {
  return { ...BUNDLING, ...BUNDLING_OVERRIDES[name] };
}
