/**
 * The programs of one market and badge month as one generated JavaScript function, made once per compiled
 * rules (by evaluate.ts, on first use), the way ajv compiles a JSON schema into a validator. A run evaluates
 * millions of shops with the same few programs; straight-line code with every metric read by name and every
 * operator written out evaluates a shop about 1.4x faster than a loop that interprets the criteria (the
 * engine figure of `npm run bench -- --only engine`).
 *
 * The function builds exactly the ProgramResults the engine returns (same keys, same order), and every
 * condition means what `compare` means: a rate with no denominator (null) passes, a missing value fails,
 * `<`/`<=`/`>`/`>=` need a number.
 *
 * What may become code, and nothing else: metric names (checked against METRIC_NAMES and written as
 * property reads), operators (the closed OPERATORS list, each mapped to a fixed expression), finite numeric
 * thresholds (written by String()), and whether null passes (true/false). Every other value (ids, labels,
 * versions, string and boolean thresholds, certification types, grant windows) is read from a constants
 * array, so no text from the catalog is ever part of the source.
 */
import type { LocalDate } from './calendar';
import { METRIC_KINDS, type MetricName, type MetricValue } from './metrics';
import type { Certification, CertificationType, CompiledCondition, CompiledProgram, Operator, Program } from './rules';

export interface ConditionResult {
  metric: MetricName;
  op: Operator;
  threshold: number | string | boolean;
  actual: MetricValue;
  passed: boolean;
}

export interface CriterionResult {
  id: string;
  label: string;
  metric: MetricName | 'certification';
  op: Operator | 'held';
  threshold: number | string | boolean;
  actual: MetricValue;
  passed: boolean;
  anyOf?: ConditionResult[];
  /** Projection only: how far a failing criterion is from passing, in the metric's unit. */
  gap?: number | null;
}

export interface ProgramResult {
  program: string;
  label: string;
  version: string;
  eligible: boolean;
  excludedBy: CertificationType | null;
  criteria: CriterionResult[];
}

/**
 * Evaluates every program, in precedence order, for one shop. `first` is the 1st of the badge month when
 * the shop has certifications, or null when it has none (no certification lookup at all then).
 */
export type Evaluator = (metrics: Record<MetricName, MetricValue>, certifications: readonly Certification[], first: LocalDate | null) => ProgramResult[];

/** What of a compiled program its code is generated from. */
export type ProgramShape = Omit<CompiledProgram, 'benefits'>;

/** The grant date of the first certification of `type` that counts on `first` (the 1st of M), or null. */
export function heldSince(
  certifications: readonly Certification[],
  type: CertificationType,
  first: LocalDate,
  grantedWithin: { from: LocalDate; to: LocalDate } | undefined,
): LocalDate | null {
  for (let i = 0; i < certifications.length; i++) {
    const c = certifications[i] as Certification;
    if (c.type !== type || c.since > first) continue;
    if (c.until !== undefined && c.until !== null && c.until <= first) continue;
    if (grantedWithin && (c.since < grantedWithin.from || c.since > grantedWithin.to)) continue;
    return c.since;
  }
  return null;
}

/** The label of a certification criterion. */
function requirementLabel(req: Program['requires'][number]): string {
  return req.grantedWithin
    ? `Holds the ${req.certification} certification, granted ${req.grantedWithin.from} to ${req.grantedWithin.to}`
    : `Holds the ${req.certification} certification`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Source text being written, with the constants it reads. */
class Source {
  readonly constants: unknown[] = [];
  readonly lines: string[] = [];

  /** An expression reading `value` from the constants array. */
  constant(value: unknown): string {
    // Object.is, not indexOf: a threshold of -0 must come back as -0, not as a 0 met earlier.
    let index = this.constants.findIndex((c) => Object.is(c, value));
    if (index < 0) index = this.constants.push(value) - 1;
    return `K[${index}]`;
  }

  /** A numeric threshold as a literal when it is a finite number, otherwise as a constant. */
  threshold(value: CompiledCondition['threshold']): string {
    return typeof value === 'number' && Number.isFinite(value) ? `(${String(value)})` : this.constant(value);
  }

  /** The property read of a metric: only names of the metric list, which are identifiers. */
  metric(name: MetricName): string {
    if (!Object.hasOwn(METRIC_KINDS, name) || !IDENTIFIER.test(name)) throw new Error(`unknown metric ${JSON.stringify(name)}`);
    return `m.${name}`;
  }

  /** `actual op threshold` as `compare` reads it, for a value `a` that is not null. */
  test(op: Operator, threshold: string): string {
    switch (op) {
      case '=':
        return `a === ${threshold}`;
      case '!=':
        return `a !== undefined && a !== ${threshold}`;
      case '>=':
      case '>':
      case '<=':
      case '<':
        return `typeof a === 'number' && a ${op} ${threshold}`;
      default:
        throw new Error(`unknown operator ${JSON.stringify(op)}`);
    }
  }

  /** Reads the condition's metric into `a` and its verdict into `ok`. */
  condition(c: CompiledCondition): void {
    this.lines.push(`a = ${this.metric(c.metric)};`);
    this.lines.push(`ok = a === null ? ${c.nullPasses ? 'true' : 'false'} : ${this.test(c.op, this.threshold(c.threshold))};`);
  }
}

/** Writes programs[`p`]: a block of its own, left early (break) when a certification excludes the shop. */
function writeProgram(s: Source, program: ProgramShape, p: number): void {
  const k = (value: unknown) => s.constant(value);
  const head = `program: ${k(program.id)}, label: ${k(program.label)}, version: ${k(program.version)}`;
  s.lines.push(`program${p}: {`);
  if (program.excludedBy.length > 0) {
    s.lines.push('if (first !== null) {');
    for (const type of program.excludedBy) {
      s.lines.push(`if (heldSince(certifications, ${k(type)}, first, undefined) !== null) { programs[${p}] = { ${head}, eligible: false, excludedBy: ${k(type)}, criteria: [] }; break program${p}; }`);
    }
    s.lines.push('}');
  }
  s.lines.push('let eligible = true;', `const criteria = new Array(${program.requires.length + program.criteria.length});`);
  let n = 0;
  for (const req of program.requires) {
    const within = req.grantedWithin ? k(req.grantedWithin) : 'undefined';
    s.lines.push(`ok = first !== null && heldSince(certifications, ${k(req.certification)}, first, ${within}) !== null;`, 'if (!ok) eligible = false;');
    s.lines.push(`criteria[${n++}] = { id: 'certification', label: ${k(requirementLabel(req))}, metric: 'certification', op: 'held', threshold: ${k(req.certification)}, actual: ok, passed: ok };`);
  }
  for (const c of program.criteria) {
    const index = n++;
    if (c.anyOf === null) {
      s.condition(c);
      s.lines.push('if (!ok) eligible = false;');
      s.lines.push(`criteria[${index}] = { id: ${k(c.id)}, label: ${k(c.label)}, metric: ${k(c.metric)}, op: ${k(c.op)}, threshold: ${k(c.threshold)}, actual: a, passed: ok };`);
      continue;
    }
    // Either/or: every alternative is evaluated and listed; the criterion reads as its first alternative.
    s.lines.push('{', `const anyOf = new Array(${c.anyOf.length});`, 'let passed = false;', 'let head;');
    c.anyOf.forEach((alt, j) => {
      s.condition(alt);
      if (j === 0) s.lines.push('head = a;');
      s.lines.push('if (ok) passed = true;');
      s.lines.push(`anyOf[${j}] = { metric: ${k(alt.metric)}, op: ${k(alt.op)}, threshold: ${k(alt.threshold)}, actual: a, passed: ok };`);
    });
    const first = c.anyOf[0] as CompiledCondition;
    s.lines.push('if (!passed) eligible = false;');
    s.lines.push(
      `criteria[${index}] = { id: ${k(c.id)}, label: ${k(c.label)}, metric: ${k(first.metric)}, op: ${k(first.op)}, threshold: ${k(first.threshold)}, actual: head, passed, anyOf };`,
      '}',
    );
  }
  s.lines.push(`programs[${p}] = { ${head}, eligible, excludedBy: null, criteria };`, '}');
}

function evaluatorSource(programs: readonly ProgramShape[]): Source {
  const s = new Source();
  s.lines.push(`const programs = new Array(${programs.length});`, 'let a;', 'let ok;');
  programs.forEach((program, p) => writeProgram(s, program, p));
  s.lines.push('return programs;');
  return s;
}

/** The generated source (the function's body and the constants it reads), for tests and for reading. */
export function sourceOfEvaluator(programs: readonly ProgramShape[]): { body: string; constants: readonly unknown[] } {
  const s = evaluatorSource(programs);
  return { body: s.lines.join('\n'), constants: s.constants };
}

/** Generates the function that evaluates `programs` (see the module comment for what may become code). */
export function generateEvaluator(programs: readonly ProgramShape[]): Evaluator {
  const { body, constants } = sourceOfEvaluator(programs);
  // The source is built from metric names, operators, numbers and booleans only (checked above); every
  // other value is passed in as a constant. This is the one place the domain generates code.
  const factory = new Function('K', 'heldSince', `'use strict';\nreturn function evaluatePrograms(m, certifications, first) {\n${body}\n};`) as (
    constants: readonly unknown[],
    held: typeof heldSince,
  ) => Evaluator;
  return factory(constants, heldSince);
}
