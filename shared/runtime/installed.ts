/**
 * What every function's services start from: the environment, validated once (fails fast at cold start),
 * and the slot where the local server and the tests install services built elsewhere. Light on purpose:
 * the lookup function imports it (shared/runtime/lookup.ts) without the full services of shared/runtime/index.ts.
 */
import { readConfig, type Config } from '../config';
import type { Services } from '../usecases/services';

let installed: Services | undefined;
let config: Config | undefined;

export function installServices(s: Services | undefined): void {
  installed = s;
}

export function installedServices(): Services | undefined {
  return installed;
}

/** The validated environment, read on first use. */
export function runtimeConfig(): Config {
  config ??= readConfig();
  return config;
}

export function dynamoConfig(c: Config) {
  return c.DYNAMODB_ENDPOINT
    ? { region: c.AWS_REGION, endpoint: c.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region: c.AWS_REGION };
}
