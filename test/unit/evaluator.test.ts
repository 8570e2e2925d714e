import { describe, it, expect } from 'vitest';
import { generateEvaluator, sourceOfEvaluator, type ProgramShape } from '../../shared/domain/evaluator';
import type { MetricName, MetricValue } from '../../shared/domain/metrics';
import { compare, compileRules, OPERATORS, type Certification, type CompiledCondition, type Operator } from '../../shared/domain/rules';
import { loadCatalog } from '../../shared/programs';
import { passingMetrics } from './shop-fixtures';

type Threshold = CompiledCondition['threshold'];

function condition(metric: MetricName, op: Operator, threshold: Threshold, nullPasses = false): CompiledCondition {
  return { metric, op, threshold, nullPasses };
}

function program(overrides: Partial<ProgramShape> = {}): ProgramShape {
  return {
    id: 'p',
    label: 'P',
    version: 'v1',
    requires: [],
    excludedBy: [],
    criteria: [{ id: 'c', label: 'C', anyOf: null, ...condition('completedOrders', '>=', 150) }],
    ...overrides,
  };
}

/** Evaluates one criterion `metric op threshold` against `actual` with the generated code. */
function verdict(metric: MetricName, op: Operator, threshold: Threshold, actual: MetricValue | undefined, nullPasses = false): boolean {
  const evaluate = generateEvaluator([program({ criteria: [{ id: 'c', label: 'C', anyOf: null, ...condition(metric, op, threshold, nullPasses) }] })]);
  const metrics = { [metric]: actual } as Record<MetricName, MetricValue>;
  return evaluate(metrics, [], null)[0]?.criteria[0]?.passed as boolean;
}

describe('generated evaluator: conditions mean what compare means', () => {
  const actuals: (MetricValue | undefined)[] = [0, -1, 0.03, 0.0299999, 150, 149.5, 4.2, 'active', 'suspended', '150', true, false, undefined];
  const thresholds: Threshold[] = [0, 0.03, 150, 4.2, -5, 'active', true, false];

  it('every operator, every kind of value and threshold, as compare decides (null aside)', () => {
    let cases = 0;
    for (const op of OPERATORS) {
      for (const threshold of thresholds) {
        for (const actual of actuals) {
          expect(verdict('shopRating', op, threshold, actual), `${String(actual)} ${op} ${String(threshold)}`).toBe(compare(actual, op, threshold));
          cases++;
        }
      }
    }
    expect(cases).toBe(OPERATORS.length * thresholds.length * actuals.length);
  });

  it('null passes for a rate (no denominator) and fails for a gauge; a missing value fails', () => {
    expect(verdict('lateDispatchRate', '<', 0.03, null, true)).toBe(true);
    expect(verdict('shopRating', '>=', 4.2, null, false)).toBe(false);
    expect(verdict('shopRating', '!=', 'x', undefined, false)).toBe(false);
    expect(verdict('lateDispatchRate', '<', 0.03, undefined, true)).toBe(false);
  });

  it('each criterion reports its own threshold, -0 and 0 apart (constants are told apart with Object.is)', () => {
    const shape = program({
      criteria: [
        { id: 'zero', label: 'Z', anyOf: null, ...condition('violationPoints', '<=', 0) },
        { id: 'minus-zero', label: 'M', anyOf: null, ...condition('violationPoints', '<=', -0) },
      ],
    });
    const [result] = generateEvaluator([shape])({ violationPoints: 0 } as Record<MetricName, MetricValue>, [], null);
    expect(Object.is(result?.criteria[0]?.threshold, 0)).toBe(true);
    expect(Object.is(result?.criteria[1]?.threshold, -0)).toBe(true);
    expect(result?.criteria.map((c) => c.passed)).toEqual([true, true]);
  });

  it('a threshold that is not a finite number is read as a constant and still compares', () => {
    expect(verdict('gmv', '<', Number.POSITIVE_INFINITY, 1e300)).toBe(true);
    expect(verdict('gmv', '>', Number.NaN, 1)).toBe(false);
    const { body } = sourceOfEvaluator([program({ criteria: [{ id: 'c', label: 'C', anyOf: null, ...condition('gmv', '<', Number.POSITIVE_INFINITY) }] })]);
    expect(body).not.toContain('Infinity');
  });
});

describe('generated evaluator: no catalog text becomes code', () => {
  const hostile = "x'); throw new Error('ran'); ('`${globalThis.process}`*/\n\u2028";

  it('ids, labels, versions and string thresholds with quotes, backticks and line breaks come back verbatim and are not in the source', () => {
    const shape = program({
      id: hostile,
      label: hostile,
      version: hostile,
      criteria: [
        { id: hostile, label: hostile, anyOf: null, ...condition('status', '=', hostile) },
        { id: 'either', label: hostile, ...condition('completedOrders', '>=', 150), anyOf: [condition('completedOrders', '>=', 150), condition('status', '!=', hostile)] },
      ],
    });
    const { body, constants } = sourceOfEvaluator([shape]);
    expect(body).not.toContain('throw');
    expect(body).not.toContain('globalThis');
    expect(constants).toContain(hostile);
    const [result] = generateEvaluator([shape])({ completedOrders: 10, status: hostile } as Record<MetricName, MetricValue>, [], null);
    expect(result).toMatchObject({ program: hostile, label: hostile, version: hostile, eligible: false });
    expect(result?.criteria[0]).toEqual({ id: hostile, label: hostile, metric: 'status', op: '=', threshold: hostile, actual: hostile, passed: true });
    expect(result?.criteria[1]?.anyOf?.map((alt) => alt.passed)).toEqual([false, false]);
    expect(result?.criteria[1]?.passed).toBe(false);
  });

  it('refuses a metric outside the metric list and an operator outside the operator list', () => {
    const badMetric = program({ criteria: [{ id: 'c', label: 'C', anyOf: null, ...condition('constructor' as MetricName, '>=', 1) }] });
    expect(() => generateEvaluator([badMetric])).toThrow(/unknown metric "constructor"/);
    const injected = program({ criteria: [{ id: 'c', label: 'C', anyOf: null, ...condition('gmv', '>= 0 || process.exit(1) ||' as Operator, 1) }] });
    expect(() => generateEvaluator([injected])).toThrow(/unknown operator/);
  });
});

describe('generated evaluator: programs and certifications', () => {
  const catalog = loadCatalog();
  const cert = (type: Certification['type'], since: string, until?: string): Certification => ({ type, since, ...(until ? { until } : {}) });

  it('reads every metric by name and writes every operator out (TH, 2026-11)', () => {
    const { body } = sourceOfEvaluator(compileRules(catalog, 'TH', '2026-11').programs);
    expect(body).toContain('a = m.completedOrders;');
    expect(body).toContain('a = m.lateDispatchRate;');
    expect(body).toMatch(/typeof a === 'number' && a < \(0\.03\)/);
    expect(body).not.toMatch(/Holds the|TopChoice/);
  });

  it('a certification required is looked up only for a shop with certifications, and must count on the 1st', () => {
    const evaluate = generateEvaluator(compileRules(catalog, 'TH', '2026-11').programs);
    const metrics = passingMetrics();
    const none = evaluate(metrics, [], null);
    expect(none.map((p) => [p.program, p.eligible])).toEqual([
      ['mall', false],
      ['top-choice', true],
    ]);
    expect(none[0]?.criteria[0]).toMatchObject({ id: 'certification', metric: 'certification', op: 'held', threshold: 'mall', actual: false, passed: false });
    const held = evaluate(metrics, [cert('mall', '2026-10-01')], '2026-11-01');
    expect(held[0]?.eligible).toBe(true);
    const lateGrant = evaluate(metrics, [cert('mall', '2026-11-02')], '2026-11-01');
    expect(lateGrant[0]?.eligible).toBe(false);
    const revoked = evaluate(metrics, [cert('mall', '2026-01-01', '2026-11-01')], '2026-11-01');
    expect(revoked[0]?.eligible).toBe(false);
  });

  it('an excluding certification ends that program early with no criteria, and the next program still runs', () => {
    const shape = program({ id: 'excluded', excludedBy: ['mall'] });
    const evaluate = generateEvaluator([shape, program({ id: 'next' })]);
    const results = evaluate({ completedOrders: 200 } as Record<MetricName, MetricValue>, [cert('mall', '2026-01-01')], '2026-11-01');
    expect(results[0]).toEqual({ program: 'excluded', label: 'P', version: 'v1', eligible: false, excludedBy: 'mall', criteria: [] });
    expect(results[1]).toMatchObject({ program: 'next', eligible: true, excludedBy: null });
    expect(evaluate({ completedOrders: 200 } as Record<MetricName, MetricValue>, [], null)[0]).toMatchObject({ eligible: true, excludedBy: null });
  });

  it('no program: an empty list', () => {
    expect(generateEvaluator([])(passingMetrics(), [], null)).toEqual([]);
  });
});
