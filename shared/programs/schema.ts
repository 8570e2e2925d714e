/**
 * The program catalog's shape, validated with zod when loaded: a broken definition fails at start-up with
 * the path of the error, before any shop is evaluated with it.
 */
import * as z from 'zod';
import { MARKET_CODES, isBadgeMonth, isLocalDate, type Market } from '../domain/calendar';
import { METRIC_NAMES, SHOP_STATUSES, COUNTERS, GAUGES, PEAKS } from '../domain/metrics';
import { CERTIFICATION_TYPES, OPERATORS } from '../domain/rules';


const market = z.enum(MARKET_CODES as [Market, ...Market[]]);
const badgeMonth = z.string().refine(isBadgeMonth, 'must be a badge month YYYY-MM');
const localDate = z.string().refine(isLocalDate, 'must be a real date YYYY-MM-DD');
const scalar = z.union([z.number().finite(), z.string().min(1), z.boolean()]);
/** One threshold for every market of the program, or one per market. */
const threshold = z.union([scalar, z.partialRecord(market, scalar)]);

const condition = z.strictObject({
  metric: z.enum(METRIC_NAMES as [string, ...string[]]),
  op: z.enum(OPERATORS),
  threshold,
});

const criterion = z.union([
  z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** `{threshold}` is replaced with the market's formatted threshold. */
    label: z.string().min(1),
    metric: condition.shape.metric,
    op: condition.shape.op,
    threshold,
  }),
  z.strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** `{0}`, `{1}`... are replaced with each alternative's formatted threshold. */
    label: z.string().min(1),
    anyOf: z.array(condition).min(2),
  }),
]);

const recordFields = [...COUNTERS, ...GAUGES, ...PEAKS] as [string, ...string[]];

export const programSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string().min(1),
  version: z.string().min(1),
  markets: z.array(market).min(1),
  /** Badge months in which the program is in effect, both ends included; absent = open-ended. */
  effective: z.strictObject({ from: badgeMonth.optional(), to: badgeMonth.optional() }),
  requires: z
    .array(
      z.strictObject({
        certification: z.enum(CERTIFICATION_TYPES),
        /** The certification must have been granted within these dates (the TOP Program's policy period). */
        grantedWithin: z.strictObject({ from: localDate, to: localDate }).optional(),
      }),
    )
    .default([]),
  /** A shop holding one of these certifications is not evaluated for the program. */
  excludedBy: z.array(z.enum(CERTIFICATION_TYPES)).default([]),
  criteria: z.array(criterion),
  /** Any one of these, met by a single daily record, revokes the badge at once. */
  revokeWhen: z
    .array(
      z.strictObject({
        field: z.enum(recordFields),
        op: z.enum(OPERATORS),
        threshold: z.union([z.number(), z.enum(SHOP_STATUSES), z.boolean()]),
      }),
    )
    .default([]),
  benefits: z
    .array(
      z.strictObject({
        kind: z.string().min(1),
        description: z.string().min(1),
        /** `until` = the required certification's grant date + this many days; absent = no end date. */
        daysAfterCertification: z.number().int().positive().optional(),
      }),
    )
    .default([]),
});

export const catalogSchema = z
  .strictObject({
    /** Program ids, the first that a shop qualifies for wins. */
    precedence: z.array(z.string()).min(1),
    programs: z.array(programSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const ids = new Set<string>();
    catalog.programs.forEach((program, i) => {
      if (ids.has(program.id)) ctx.addIssue({ code: 'custom', path: ['programs', i, 'id'], message: `duplicate program id ${program.id}` });
      ids.add(program.id);
      if (!catalog.precedence.includes(program.id)) {
        ctx.addIssue({ code: 'custom', path: ['precedence'], message: `program ${program.id} has no place in precedence` });
      }
      const { from, to } = program.effective;
      if (from && to && from > to) ctx.addIssue({ code: 'custom', path: ['programs', i, 'effective'], message: 'from is after to' });
      program.criteria.forEach((c, j) => {
        const conditions = 'anyOf' in c ? c.anyOf : [c];
        conditions.forEach((cond, k) => {
          const path = ['programs', i, 'criteria', j, ...('anyOf' in c ? ['anyOf', k] : []), 'threshold'];
          if (typeof cond.threshold !== 'object') return;
          for (const m of program.markets) {
            if (!(m in cond.threshold)) ctx.addIssue({ code: 'custom', path, message: `no threshold for market ${m}` });
          }
        });
      });
    });
    catalog.precedence.forEach((id, i) => {
      if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['precedence', i], message: `unknown program ${id}` });
    });
  });

export type ProgramDefinition = z.infer<typeof programSchema>;
export type CatalogDefinition = z.infer<typeof catalogSchema>;
export type Threshold = z.infer<typeof threshold>;
export type CriterionDefinition = z.infer<typeof criterion>;
