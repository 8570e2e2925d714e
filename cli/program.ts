/**
 * The operator CLI's commands (commander), and how each way of ending becomes an exit code:
 * 0 success, 1 the work failed (an API error, a failed run, rejected rows), 2 bad usage.
 */
import { Command, CommanderError, Option } from 'commander';
import type { ThresholdChange } from './api-types';
import { ApiError, ConnectionError } from './client';
import { contextOf, DEFAULT_API, type GlobalOptions } from './context';
import { diffCommand, ingestCommand } from './files';
import { BatchError } from './ingest';
import { listRuns, retryRun, showRun, startRun } from './runs';
import { revokeShop, showShop } from './shops';
import { parseChange, parseMarket, parseMonth, parsePositiveInt, parseShopId, parseShopIds, parseMarkets, UsageError } from './usage';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function buildProgram(exitCode: { value: number }): Command {
  const program = new Command('badges')
    .description('Operate seller-badges through its HTTP API (token from BADGES_TOKEN).')
    .addOption(new Option('--api <url>', `the API's base URL (default: BADGES_API or ${DEFAULT_API})`))
    .option('--json', 'print exactly one JSON document, the API answer, on standard output')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  // Every action gets the context of the global options, wherever they were typed.
  const act =
    <A extends unknown[]>(fn: (ctx: ReturnType<typeof contextOf>, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode.value = await fn(contextOf(program.opts<GlobalOptions>()), ...args);
    };

  const runs = program.command('runs').description('evaluation runs of a badge month');
  runs
    .command('start')
    .description('evaluate a badge month (or dry-run it, with --change to try thresholds) and wait for the end')
    .requiredOption('--month <YYYY-MM>', 'the badge month', parseMonth)
    .option('--markets <TH,MY>', 'markets (default: all)', parseMarkets)
    .option('--dry-run', 'evaluate and count, write no month record; the status carries a diff')
    .option('--shop-ids <a,b>', 'only these shops', parseShopIds)
    .option('--change <program.criterion[.metric]=value>', 'a threshold to try (repeatable; per market: =TH:4.5,MY:4.4); needs --dry-run', (v: string, prev: ThresholdChange[] = []) => [...prev, parseChange(v)])
    .option('--no-wait', 'print the run id and return at once')
    .action(
      act(async (ctx, o: { month: string; markets?: string[]; dryRun?: boolean; shopIds?: string[]; change?: ThresholdChange[]; wait: boolean }) => {
        const changes = o.change ?? [];
        if (changes.length > 0 && !o.dryRun) throw new UsageError('--change only applies to a dry run: add --dry-run');
        const body = {
          month: o.month,
          ...(o.markets ? { markets: o.markets } : {}),
          dryRun: o.dryRun === true,
          ...(o.shopIds ? { shopIds: o.shopIds } : {}),
          ...(changes.length > 0 ? { changes } : {}),
        };
        return startRun(ctx, body, { wait: o.wait });
      }),
    );
  runs
    .command('list')
    .description('every run of a badge month, newest first')
    .requiredOption('--month <YYYY-MM>', 'the badge month', parseMonth)
    .option('--market <TH>', 'one market', parseMarket)
    .action(act(async (ctx, o: { month: string; market?: string }) => listRuns(ctx, o.month, o.market)));
  runs
    .command('show')
    .description("a run's state, counts, failures and (dry runs) diff")
    .argument('<runId>')
    .action(act(async (ctx, runId: string) => showRun(ctx, runId)));
  runs
    .command('retry')
    .description('evaluate again the shops a run failed')
    .argument('<runId>')
    .option('--no-wait', 'print the new run id and return at once')
    .action(act(async (ctx, runId: string, o: { wait: boolean }) => retryRun(ctx, runId, { wait: o.wait })));

  program
    .command('shop')
    .description("a shop's eligibility for a badge month, criterion by criterion")
    .argument('<shopId>', 'the shop', parseShopId)
    .option('--month <YYYY-MM>', 'the badge month (default: the current one)', parseMonth)
    .action(act(async (ctx, shopId: string, o: { month?: string }) => showShop(ctx, shopId, o.month)));

  program
    .command('revoke')
    .description('revoke the badge a shop holds now')
    .argument('<shopId>', 'the shop', parseShopId)
    .requiredOption('--reason <text>', 'why (shown to the seller)')
    .action(
      act(async (ctx, shopId: string, o: { reason: string }) => {
        if (o.reason.trim() === '') throw new UsageError('--reason must say why the badge is revoked');
        return revokeShop(ctx, shopId, o.reason);
      }),
    );

  program
    .command('ingest')
    .description('send daily records (NDJSON or CSV) to POST /v1/metrics in batches of 1,000')
    .argument('<file>', 'a .ndjson/.jsonl or .csv file (else told apart by its first line)')
    .addOption(new Option('--concurrency <n>', 'batches in flight at once').default(4).argParser(parsePositiveInt('--concurrency')))
    .action(act(async (ctx, file: string, o: { concurrency: number }) => ingestCommand(ctx, file, o.concurrency)));

  program
    .command('diff')
    .description("a dry run's diff; with --csv the full list of shops that differ")
    .argument('<runId>')
    .option('--csv', 'download GET /v1/evaluations/{runId}/diff.csv')
    .option('--out <file>', 'write the CSV to this file instead of standard output')
    .action(act(async (ctx, runId: string, o: { csv?: boolean; out?: string }) => diffCommand(ctx, runId, o)));

  return program;
}

function detailLine(detail: unknown): string {
  if (typeof detail === 'object' && detail !== null) {
    const d = detail as { path?: unknown; message?: unknown };
    if (typeof d.message === 'string') return typeof d.path === 'string' && d.path !== '' ? `${d.path}: ${d.message}` : d.message;
  }
  return JSON.stringify(detail);
}

function explainApiError(error: ApiError): string {
  return [`error: the API answered ${error.status} ${error.code}: ${error.message}`, ...error.details.map((d) => `  - ${detailLine(d)}`)].join('\n');
}

/**
 * With --json a failure still leaves exactly one JSON document on standard output: the API's error answer
 * as it came, or one in the same shape for what never reached the API (bad usage, no connection).
 */
function errorDocument(code: string, message: string, details: unknown[] = []): unknown {
  return { error: { code, message, details } };
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. Never throws. */
export async function runCli(argv: string[]): Promise<number> {
  const exitCode = { value: EXIT.ok };
  const program = buildProgram(exitCode);
  const json = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--json');
  const fail = (code: number, doc: unknown, text?: string): number => {
    if (text !== undefined) process.stderr.write(`${text}\n`);
    if (json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return code;
  };
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode.value;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; everything else commander rejects is bad usage (it printed why).
      if (error.exitCode === 0) return EXIT.ok;
      return fail(EXIT.usage, errorDocument('usage', error.message.replace(/^error: /, '')));
    }
    if (error instanceof UsageError) return fail(EXIT.usage, errorDocument('usage', error.message), `error: ${error.message}`);
    if (error instanceof ApiError) return fail(EXIT.failed, errorDocument(error.code, error.message, error.details), explainApiError(error));
    if (error instanceof BatchError) {
      const cause = error.reason instanceof ApiError ? explainApiError(error.reason) : `error: ${error.reason.message}`;
      const before = error.partial;
      const text = `error: ${error.message}\n${cause}\n(before it: ${before.accepted} records accepted, ${before.rejected.length} rejected; sending the file again is safe)`;
      const reason = error.reason instanceof ApiError ? errorDocument(error.reason.code, error.message, error.reason.details) : errorDocument('connection', error.message);
      return fail(EXIT.failed, { ...(reason as object), records: before.records, accepted: before.accepted, rejected: before.rejected }, text);
    }
    if (error instanceof ConnectionError) return fail(EXIT.failed, errorDocument('connection', error.message), `error: ${error.message}`);
    const message = error instanceof Error ? error.message : String(error);
    return fail(EXIT.failed, errorDocument('cli', message), `error: ${message}`);
  }
}
