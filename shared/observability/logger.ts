/** The Powertools logger every function uses (HTTP, queue and schedule handlers alike). */
import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Reads the correlation id (a dotted path such as requestContext.requestId) from the event. Powertools'
 * own JMESPath search would add a package and bundle weight for this one plain path.
 */
const dottedPath = (expression: string, data: unknown): unknown =>
  expression.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], data);

export const logger = new Logger({ serviceName: 'seller-badges', correlationIdSearchFn: dottedPath });
