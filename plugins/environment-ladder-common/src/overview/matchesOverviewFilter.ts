import type { OverviewFilter, OverviewRow } from './types';

const same = (a: string | null, b: string) =>
  a !== null && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/**
 * Whether a row meets every criterion of the filter. Entity refs and
 * lifecycles compare case-insensitively, as the catalog compares them.
 *
 * @public
 */
export function matchesOverviewFilter(
  row: OverviewRow,
  filter: OverviewFilter,
): boolean {
  if (filter.owner !== undefined && !same(row.owner, filter.owner)) {
    return false;
  }
  if (filter.system !== undefined && !same(row.system, filter.system)) {
    return false;
  }
  if (
    filter.lifecycle !== undefined &&
    !same(row.lifecycle, filter.lifecycle)
  ) {
    return false;
  }
  if (filter.onlyBroken && row.brokenRules === 0) {
    return false;
  }
  return true;
}
