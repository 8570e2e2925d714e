/**
 * Loads and validates the catalog. A broken definition throws at start-up, naming the path of each error
 * (for example `programs.1.criteria.4.threshold: no threshold for market PH`).
 */
import type { z } from 'zod';
import { CATALOG } from './catalog';
import { catalogSchema } from './schema';
import type { Catalog } from '../domain/rules';

export class CatalogError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid program catalog: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CatalogError';
  }
}

/**
 * A criterion is one of two shapes (a union), and zod reports a union that matches neither as one bare
 * "Invalid input" at the criterion. Report the issues of the shape that came closest instead, so a typo
 * names its field (`programs.1.criteria.3.metric: Invalid option ...`).
 */
function issuesOf(issue: z.core.$ZodIssue, prefix: PropertyKey[] = []): { path: string; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Closest: fewest issues, then the one that got deepest into the value.
    const depth = (branch: z.core.$ZodIssue[]) => Math.max(...branch.map((i) => i.path.length));
    const closest = issue.errors.reduce((best, branch) =>
      branch.length < best.length || (branch.length === best.length && depth(branch) > depth(best)) ? branch : best,
    );
    return closest.flatMap((nested) => issuesOf(nested, path));
  }
  return [{ path: path.map(String).join('.') || '(root)', message: issue.message }];
}

export function loadCatalog(definition: unknown = CATALOG): Catalog {
  const parsed = catalogSchema.safeParse(definition);
  if (!parsed.success) {
    throw new CatalogError(parsed.error.issues.flatMap((issue) => issuesOf(issue)));
  }
  // The schema's output is the engine's Program shape; this assignment is checked by the compiler.
  const catalog: Catalog = parsed.data;
  return catalog;
}

export { CATALOG };
export { changesSchema, thresholdChangeSchema, MAX_CHANGES } from './changes';
