/**
 * Loads and validates the catalog. A broken definition throws at start-up, naming the path of each error
 * (for example `programs.1.criteria.4.threshold: no threshold for market PH`).
 */
import { CATALOG } from './catalog';
import { catalogSchema } from './schema';
import type { Catalog } from '../domain/rules';

export class CatalogError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid program catalog: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'CatalogError';
  }
}

export function loadCatalog(definition: unknown = CATALOG): Catalog {
  const parsed = catalogSchema.safeParse(definition);
  if (!parsed.success) {
    throw new CatalogError(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })));
  }
  // The schema's output is the engine's Program shape; this assignment is checked by the compiler.
  const catalog: Catalog = parsed.data;
  return catalog;
}

export { CATALOG };
