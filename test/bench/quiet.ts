/**
 * Imported first by run.ts: the handlers the bench drives build their Powertools Metrics and Logger at
 * module scope, so these settings must be in place before any of them is imported (ESM evaluates imports
 * in order). Metrics would otherwise print one EMF line per segment over the bench's own output.
 */
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
