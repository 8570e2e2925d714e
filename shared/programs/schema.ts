/**
 * The program catalog's shape, validated with zod when loaded: a broken definition fails at start-up with
 * the path of the error, before any shop is evaluated with it.
 */
import * as z from 'zod';
import { MARKET_CODES, addMonths, isBadgeMonth, isLocalDate, type Market } from '../domain/calendar';
import { badgeMonth } from '../domain/values';
import { METRIC_NAMES, SHOP_STATUSES, COUNTERS, GAUGES, PEAKS } from '../domain/metrics';
import { CERTIFICATION_TYPES, OPERATORS } from '../domain/rules';

const market = z.enum(MARKET_CODES as [Market, ...Market[]]);
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

type VersionedProgram = { id: string; version: string; effective: { from?: string; to?: string } };

/** How a version's months read in a message: `2024-09..2026-12`, `..2026-12`, `2027-01..`. */
function monthsOf(program: VersionedProgram): string {
  return `${program.effective.from ?? ''}..${program.effective.to ?? ''}`;
}

/**
 * The versions of one program id (programs.md: "a threshold change is a new version from a given month,
 * never an edit of the old one"): distinct version strings, and effective months that follow each other
 * without overlap (two versions in force in one month would make the month's result depend on catalog
 * order) and without a gap (a month with no version would silently drop the program for that month).
 */
function checkVersions(versions: { program: VersionedProgram; index: number }[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  for (const { program, index } of versions) {
    const first = seen.get(program.version);
    if (first === undefined) seen.set(program.version, index);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['programs', index, 'version'],
        message: `version ${program.version} of ${program.id} is already used by programs.${first}: give the new version its own version string`,
      });
    }
  }
  // Open-ended starts sort first; months compare as strings (YYYY-MM).
  const ordered = [...versions].sort((a, b) => (a.program.effective.from ?? '').localeCompare(b.program.effective.from ?? ''));
  for (let k = 1; k < ordered.length; k++) {
    const before = ordered[k - 1] as (typeof ordered)[number];
    const after = ordered[k] as (typeof ordered)[number];
    const end = before.program.effective.to;
    const start = after.program.effective.from;
    // A malformed month already has its own issue.
    if ((end !== undefined && !isBadgeMonth(end)) || (start !== undefined && !isBadgeMonth(start))) continue;
    if (end === undefined || start === undefined || start <= end) {
      ctx.addIssue({
        code: 'custom',
        path: ['programs', after.index, 'effective'],
        message:
          `version ${after.program.version} of ${after.program.id} (${monthsOf(after.program)}) overlaps version ` +
          `${before.program.version} (programs.${before.index}, ${monthsOf(before.program)}): end the older version the month before the newer one starts`,
      });
    } else if (start !== addMonths(end, 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['programs', after.index, 'effective', 'from'],
        message:
          `no version of ${after.program.id} is in effect ${addMonths(end, 1)}..${addMonths(start, -1)}, between version ` +
          `${before.program.version} (programs.${before.index}, ${monthsOf(before.program)}) and ${after.program.version}: start it ${addMonths(end, 1)}`,
      });
    }
  }
}

export const catalogSchema = z
  .strictObject({
    /** Program ids, the first that a shop qualifies for wins. */
    precedence: z.array(z.string()).min(1),
    /** Program versions; one id may appear several times, one entry per version (see checkVersions). */
    programs: z.array(programSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const versionsById = new Map<string, { program: VersionedProgram; index: number }[]>();
    catalog.programs.forEach((program, i) => {
      const versions = versionsById.get(program.id);
      if (versions) versions.push({ program, index: i });
      else {
        versionsById.set(program.id, [{ program, index: i }]);
        if (!catalog.precedence.includes(program.id)) {
          ctx.addIssue({ code: 'custom', path: ['precedence'], message: `program ${program.id} has no place in precedence` });
        }
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
    for (const versions of versionsById.values()) checkVersions(versions, ctx);
    catalog.precedence.forEach((id, i) => {
      if (!versionsById.has(id)) ctx.addIssue({ code: 'custom', path: ['precedence', i], message: `unknown program ${id}` });
      const first = catalog.precedence.indexOf(id);
      if (first < i) ctx.addIssue({ code: 'custom', path: ['precedence', i], message: `program ${id} is listed twice (also precedence.${first}): list each program once` });
    });
  });

export type ProgramDefinition = z.infer<typeof programSchema>;
export type CatalogDefinition = z.infer<typeof catalogSchema>;
export type Threshold = z.infer<typeof threshold>;
export type CriterionDefinition = z.infer<typeof criterion>;
