/**
 * The services a function uses, built once per container from the validated environment. The local
 * server and the tests install their own (DynamoDB Local, an in-process queue, a test clock).
 */
import { readConfig, type Config } from './config';
import { createDocumentClient } from './store/client';
import { SqsSegmentQueue } from './queue';
import { createServices, type Services } from './usecases/services';

let installed: Services | undefined;
let config: Config | undefined;

export function dynamoConfig(c: Config) {
  return c.DYNAMODB_ENDPOINT
    ? { region: c.AWS_REGION, endpoint: c.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : { region: c.AWS_REGION };
}

/** Validates the environment (fails fast at cold start) and builds the services once. */
export function services(): Services {
  if (installed) return installed;
  config ??= readConfig();
  installed = createServices({
    doc: createDocumentClient(dynamoConfig(config)),
    table: config.TABLE_NAME,
    ...(config.SEGMENT_QUEUE_URL ? { queue: new SqsSegmentQueue(config.SEGMENT_QUEUE_URL, config.AWS_REGION) } : {}),
  });
  return installed;
}

/** Installs services built elsewhere (the local server, tests). */
export function useServices(s: Services): void {
  installed = s;
}
