/**
 * What every command gets: the API client (from --api / BADGES_API and BADGES_TOKEN) and the output.
 * Standard output carries the result only (with --json exactly one JSON document, the API's answer);
 * messages, warnings and progress bars go to standard error.
 */
import { Presets, SingleBar } from 'cli-progress';
import { ApiClient } from './client';
import { UsageError } from './usage';

export const DEFAULT_API = 'http://localhost:3000';

export interface GlobalOptions {
  api?: string;
  json?: boolean;
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** The command's result: `doc` with --json, else the human rendering. */
  result(doc: unknown, human: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(doc, null, 2)}\n` : `${human()}\n`);
  }

  /** A message for the operator, never on standard output. */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A progress bar on standard error (redrawn in a terminal, a line every few seconds otherwise). */
  bar(format: string): SingleBar {
    return new SingleBar(
      { format, stream: this.stderr, hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5000, etaBuffer: 20 },
      Presets.shades_classic,
    );
  }
}

export interface Context {
  client: ApiClient;
  out: Output;
}

export function apiUrl(value: string | undefined): string {
  const api = value ?? process.env.BADGES_API ?? DEFAULT_API;
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(`--api must be a URL such as ${DEFAULT_API} (got "${api}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api must be an http(s) URL (got "${api}")`);
  return api;
}

export function contextOf(options: GlobalOptions): Context {
  const api = apiUrl(options.api);
  const token = process.env.BADGES_TOKEN?.trim();
  if (!token) {
    throw new UsageError('set BADGES_TOKEN to an operator token first, e.g. export BADGES_TOKEN=$(npm run -s token -- --operator | tail -1)');
  }
  return { client: new ApiClient({ api, token }), out: new Output(options.json === true) };
}
