/**
 * The shape of a policy simulation's `changes` (contract.md "Policy simulation"), for the HTTP layer to
 * validate a request with. Only the shape is checked here; whether the program, criterion, metric and
 * markets exist, and whether a threshold suits its metric, depends on the catalog and the month, so
 * `applyChanges` (shared/domain/simulation.ts) checks that and names each bad change the same way.
 */
import * as z from 'zod';
import { quote, type ThresholdChange } from '../domain/simulation';

/** Operators try a handful of thresholds at a time; a long list is a mistake, not a policy. */
export const MAX_CHANGES = 50;


const scalar = z.union([z.number(), z.string().min(1), z.boolean()]);

const threshold = z.union([scalar, z.record(z.string(), scalar)], {
  error: (issue) =>
    issue.input === undefined
      ? 'threshold is required: a number, a status, true or false, or a value per market such as {"TH": 200}'
      : `threshold ${quote(issue.input)} must be a number, a status, true or false, or a value per market such as {"TH": 200}`,
});

const name = (field: string, example: string) =>
  z.string({ error: (issue) => `${field} ${issue.input === undefined ? 'is required' : `${quote(issue.input)} must be a string`}: ${example}` }).min(1, `${field} must not be empty: ${example}`);

export const thresholdChangeSchema = z.strictObject({
  program: name('program', 'a program id such as "top-choice"'),
  criterion: name('criterion', 'a criterion id such as "volume"'),
  /** Picks the alternative of an either/or criterion; default its first. */
  metric: name('metric', 'a metric such as "completedOrders"').optional(),
  threshold,
});

/** An empty list is a plain dry run. */
export const changesSchema = z.array(thresholdChangeSchema).max(MAX_CHANGES, `at most ${MAX_CHANGES} changes at a time`);

// The schema's output is the domain's change: checked by the compiler, so the two cannot drift apart.
export type ThresholdChangeInput = z.input<typeof thresholdChangeSchema>;
const _sameShape: (parsed: z.output<typeof thresholdChangeSchema>) => ThresholdChange = (parsed) => parsed;
