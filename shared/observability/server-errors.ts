/**
 * `ServerErrors`: one data point per 5xx answer of the HTTP chain, for the stack's alarm. Written as one
 * CloudWatch embedded-metric-format (EMF) line on stdout, not through Powertools Metrics, so that the
 * lookup function (whose bundle carries no Metrics, see chain.ts) counts its 500s too. Same namespace and
 * `service` dimension as the Powertools metrics (middleware.ts, infra/function-defaults.ts).
 */
export const SERVER_ERRORS_METRIC = { namespace: 'SellerBadges', name: 'ServerErrors', service: 'seller-badges' } as const;

/** The EMF line of one server error at `timestamp` (ms since the epoch). */
export function serverErrorLine(timestamp: number): string {
  const { namespace, name, service } = SERVER_ERRORS_METRIC;
  return JSON.stringify({
    _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [['service']], Metrics: [{ Name: name, Unit: 'Count' }] }] },
    service,
    [name]: 1,
  });
}

/**
 * Counts one server error. Only in Lambda, where CloudWatch Logs turns EMF lines into metrics; the local
 * server and the tests would only print JSON. Raw stdout, as Powertools does: Lambda's patched console
 * would prefix the line and EMF would not parse it.
 */
export function countServerError(now: number = Date.now()): void {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME === undefined) return;
  process.stdout.write(`${serverErrorLine(now)}\n`);
}
