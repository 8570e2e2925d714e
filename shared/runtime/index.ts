/**
 * The services a function uses, built once per container from the validated environment. The local
 * server and the tests install their own (DynamoDB Local, an in-process queue, a test clock). The lookup
 * function builds only what it needs: shared/runtime/lookup.ts.
 */
import { createDocumentClient } from '../store/client';
import { SqsSegmentQueue } from '../queue';
import { createServices, type Services } from '../usecases/services';
import { dynamoConfig, installedServices, installServices, runtimeConfig } from './installed';

export { dynamoConfig } from './installed';

/**
 * Validates the environment (fails fast at cold start) and builds the services once. `maxAttempts` (the
 * SDK's retries of a throttled call) counts on the first call, which each handler makes at module scope.
 */
export function services(options: { maxAttempts?: number } = {}): Services {
  const current = installedServices();
  if (current) return current;
  const config = runtimeConfig();
  const built = createServices({
    doc: createDocumentClient({ ...dynamoConfig(config), ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) }),
    table: config.TABLE_NAME,
    daysExpire: config.DAYS_EXPIRE === 'true',
    ...(config.SEGMENT_QUEUE_URL ? { queue: new SqsSegmentQueue(config.SEGMENT_QUEUE_URL, config.AWS_REGION) } : {}),
  });
  installServices(built);
  return built;
}

/** Installs services built elsewhere (the local server, tests); the lookup function uses them too. */
export function useServices(s: Services): void {
  installServices(s);
}
