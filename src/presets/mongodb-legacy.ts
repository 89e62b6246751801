/**
 * The `mongodb-legacy` preset: the official callback bridge (`mongodb-legacy` 4/5/6, deps `mongodb ^4/^5/^6`) onto
 * the promise API of `mongodb` 6/7. Its exports have exactly the names of `mongodb` (reference §4), so the import
 * moves as it is (AUTO) and every callback call site is converted by the rules in src/js/callbacks.
 * Declarative data only.
 */
import type { PresetInfo } from '../core/types.js';

export const LEGACY_MODULE = 'mongodb-legacy';

export const LEGACY_PRESET: PresetInfo = {
  name: 'mongodb-legacy',
  language: 'js',
  description: "`mongodb-legacy` (the callback bridge) onto mongodb 6/7: the import becomes 'mongodb' and callbacks become promises.",
  modules: [LEGACY_MODULE],
};

/** mongodb-legacy major -> the `mongodb` major it wraps (its result shapes are that driver's). */
export const LEGACY_DRIVER_MAJOR: Record<number, number> = { 4: 4, 5: 5, 6: 6 };

/** Is this module specifier the legacy bridge (or one of its subpaths)? */
export function isLegacySpecifier(spec: string): boolean {
  return spec === LEGACY_MODULE || spec.startsWith(LEGACY_MODULE + '/');
}
