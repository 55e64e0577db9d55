import { matchesOverviewFilter } from './matchesOverviewFilter';
import type { OverviewRow } from './types';

const row = (overrides: Partial<OverviewRow>): OverviewRow => ({
  entityRef: 'component:default/checkout',
  title: 'checkout',
  owner: 'group:default/team-shop',
  system: 'system:default/shop',
  lifecycle: 'production',
  cells: [],
  brokenRules: 0,
  ...overrides,
});

describe('matchesOverviewFilter', () => {
  it('keeps every row without criteria', () => {
    expect(matchesOverviewFilter(row({}), {})).toBe(true);
  });

  it.each([
    [{ owner: 'group:default/team-shop' }, true],
    [{ owner: 'Group:default/Team-Shop' }, true],
    [{ owner: 'group:default/team-payments' }, false],
    [{ system: 'system:default/shop' }, true],
    [{ system: 'system:default/portal' }, false],
    [{ lifecycle: 'Production' }, true],
    [{ lifecycle: 'experimental' }, false],
    [{ owner: 'group:default/team-shop', lifecycle: 'experimental' }, false],
    [{ onlyBroken: true }, false],
    [{ onlyBroken: false }, true],
  ])('decides %j as %s', (filter, expected) => {
    expect(matchesOverviewFilter(row({}), filter)).toBe(expected);
  });

  it('keeps a broken row for "only broken", and drops a row without owner for an owner filter', () => {
    expect(
      matchesOverviewFilter(row({ brokenRules: 2 }), { onlyBroken: true }),
    ).toBe(true);
    expect(
      matchesOverviewFilter(row({ owner: null }), {
        owner: 'group:default/team-shop',
      }),
    ).toBe(false);
  });
});
