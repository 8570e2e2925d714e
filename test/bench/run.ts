/**
 * `npm run bench`: runs the benchmark sections and prints a summary.
 *
 *   npm run bench                          every section, human-readable
 *   npm run -s bench -- --json             the last line of stdout is one JSON object:
 *                                          { "<section>": { ...results }, "targets": { ... } }
 *   npm run bench -- --only engine,lookup  some sections only
 *   npm run bench -- --shops 20000         fewer synthetic shops (a quick run; the targets still apply)
 *   npm run bench -- --strict              exit 1 when a target is missed
 *
 * A section is `{ name, run, targets }`: `run` resolves to a flat record merged into the output under the
 * section's name; `targets` are minimums (or, with `max`, maximums) on keys of that record, reported as `targets["<section>.<key>"]`.
 * A section that throws is reported as `{ "error": message }` (its targets missed), the other sections
 * still run, the JSON line is still printed, and the exit code is 1.
 * With --json, progress goes to stderr so stdout holds only the JSON line.
 */
import './quiet';
import { cliSection } from './cli';
import { benchEngine } from './engine';
import { evaluationSection } from './evaluation';
import { bundlesSection, lookupSection } from './lookup';
import { signalsSection } from './signals';
import { embedSection } from './embed';
import { simulationSection } from './simulation';

export interface Target {
  /** Key of the section's result. */
  metric: string;
  /** The result must be at least this (or, with `max` instead, at most that). */
  min?: number;
  max?: number;
}

export interface Section {
  name: string;
  run: (ctx: SectionContext) => Promise<Record<string, unknown>>;
  targets?: Target[];
}

export interface SectionContext {
  log: (line: string) => void;
  /** --shops, when given. */
  shops?: number;
}

export interface TargetResult {
  target: number;
  /** 'max': the result must be at most `target`; otherwise at least. */
  bound?: 'max';
  actual: number | null;
  met: boolean;
}

export const SECTIONS: Section[] = [
  {
    name: 'engine',
    run: async (ctx) => ({ ...(await benchEngine({ log: ctx.log, shops: ctx.shops })) }),
    targets: [
      { metric: 'shopEvaluationsPerSecond', min: 2_000_000 },
      { metric: 'ratioVsJsonRulesEngine', min: 40 },
    ],
  },
  lookupSection,
  bundlesSection,
  evaluationSection,
  simulationSection,
  cliSection,
  signalsSection,
  embedSection,
];

interface Args {
  json: boolean;
  strict: boolean;
  only: string[] | null;
  shops?: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, strict: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split('=', 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--json':
        args.json = true;
        break;
      case '--strict':
        args.strict = true;
        break;
      case '--only':
        args.only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--shops': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new Error('--shops must be a positive integer');
        args.shops = n;
        break;
      }
      default:
        throw new Error(`unknown argument ${arg} (known: --json, --only a,b, --shops N, --strict)`);
    }
  }
  return args;
}

function format(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const known = new Set(SECTIONS.map((s) => s.name));
  const unknown = (args.only ?? []).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const selected = SECTIONS.filter((s) => args.only === null || args.only.includes(s.name));

  const out = args.json ? process.stderr : process.stdout;
  const print = (line: string): void => {
    out.write(`${line}\n`);
  };

  const output: Record<string, unknown> = {};
  const targets: Record<string, TargetResult> = {};
  const failed: string[] = [];
  for (const section of selected) {
    print(`== ${section.name}`);
    const started = Date.now();
    let result: Record<string, unknown>;
    try {
      result = await section.run({ log: (line) => print(`  ${line}`), shops: args.shops });
    } catch (error) {
      // One failing section must not lose the others' results: report it under its name and go on.
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      result = { error: error instanceof Error ? error.message : String(error) };
      failed.push(section.name);
    }
    output[section.name] = result;
    for (const t of section.targets ?? []) {
      const actual = result[t.metric];
      const value = typeof actual === 'number' ? actual : null;
      targets[`${section.name}.${t.metric}`] =
        t.max !== undefined
          ? { target: t.max, bound: 'max', actual: value, met: value !== null && value <= t.max }
          : { target: t.min ?? 0, actual: value, met: value !== null && value >= (t.min ?? 0) };
    }
    print(`  -- ${section.name} done in ${((Date.now() - started) / 1e3).toFixed(1)} s`);
    for (const [key, value] of Object.entries(result)) print(`  ${key}: ${format(value)}`);
  }
  output.targets = targets;

  print('== targets');
  for (const [name, t] of Object.entries(targets)) {
    print(`  ${t.met ? 'met   ' : 'MISSED'} ${name} ${t.bound === 'max' ? '<=' : '>='} ${t.target.toLocaleString('en-US')} (actual ${t.actual === null ? 'none' : t.actual.toLocaleString('en-US')})`);
  }
  if (failed.length > 0) print(`== FAILED sections: ${failed.join(', ')}`);
  if (args.json) process.stdout.write(`${JSON.stringify(output)}\n`);
  return failed.length > 0 || (args.strict && Object.values(targets).some((t) => !t.met)) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
