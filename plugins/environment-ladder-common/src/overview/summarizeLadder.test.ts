import { builds } from '../__fixtures__/ladder/kubernetes';
import {
  brokenLadder,
  healthyLadder,
  prodMidCanaryLadder,
} from '../__fixtures__/ladder/stories';
import { buildLadder } from '../domain/buildLadder';
import type { Ladder } from '../types';
import { summarizeLadder } from './summarizeLadder';

const shop = {
  entityRef: 'component:default/shop',
  title: 'Shop',
  owner: 'group:default/team-shop',
  system: 'system:default/storefront',
  lifecycle: 'production',
};
const short = (digest: string) => `sha256:${digest.slice(7, 19)}`;

describe('summarizeLadder', () => {
  it('gives each rung of a healthy ladder its short digest, relation and phase', () => {
    const row = summarizeLadder(buildLadder(healthyLadder()), shop);
    expect(row).toMatchObject({ ...shop, brokenRules: 0 });
    expect(row.notSetUp).toBeUndefined();
    expect(
      row.cells.map(c => [
        c.rung,
        c.observed,
        c.digest,
        c.comparedToBelow?.relation ?? null,
        c.rolloutPhase,
        c.brokenRules,
        c.error,
      ]),
    ).toEqual([
      ['local', false, null, null, null, 0, null],
      ['dev', true, short(builds.v3), null, 'Healthy', 0, null],
      ['staging', true, short(builds.v2), 'behind', 'Healthy', 0, null],
      ['prod', true, short(builds.v2), 'same', 'Healthy', 0, null],
    ]);
    expect(row.cells[2].comparedToBelow).toEqual({
      relation: 'behind',
      releases: 1,
    });
  });

  it("shows prod's canary as Progressing", () => {
    const row = summarizeLadder(buildLadder(prodMidCanaryLadder()), shop);
    const prod = row.cells.find(c => c.rung === 'prod')!;
    expect(prod.rolloutPhase).toBe('Progressing');
    expect(prod.digest).toBeNull();
    expect(prod.digestCount).toBe(2);
  });

  it('counts broken rules per rung and in all, with the worst severity', () => {
    const ladder = buildLadder(brokenLadder());
    const row = summarizeLadder(ladder, shop);
    expect(row.brokenRules).toBe(4);
    expect(row.brokenRules).toBe(ladder.violations.length);
    expect(row.brokenRules).toBeGreaterThan(0);
    expect(
      row.cells.map(c => [c.rung, c.brokenRules, c.worstSeverity]),
    ).toEqual([
      ['local', 0, null],
      // A moving tag in dev is a warning; mixed digests and a rebuild are errors.
      ['dev', 1, 'warning'],
      ['staging', 2, 'error'],
      ['prod', 1, 'error'],
    ]);
    // Staging's pods run two digests: no single digest to show.
    const staging = row.cells.find(c => c.rung === 'staging')!;
    expect(staging).toMatchObject({ digest: null, digestCount: 2 });
  });

  it("marks a rung whose cluster failed with the cluster's error, the others unchanged", () => {
    const input = healthyLadder();
    input.rungs[3].result = {
      error: {
        cluster: 'prod-eu-1',
        message: "cluster 'prod-eu-1' answered 500",
      },
    };
    const row = summarizeLadder(buildLadder(input), shop);
    expect(row.cells.find(c => c.rung === 'prod')).toMatchObject({
      error: "cluster 'prod-eu-1' answered 500",
      digest: null,
      rolloutPhase: null,
    });
    expect(row.cells.find(c => c.rung === 'staging')).toMatchObject({
      error: null,
      digest: short(builds.v2),
    });
  });

  it('passes on "not set up" with no cells', () => {
    const ladder: Ladder = {
      entityRef: shop.entityRef,
      rungs: [],
      violations: [],
      generatedAt: '2024-05-08T12:10:00.000Z',
      notSetUp: 'Add the annotation backstage.io/kubernetes-id',
    };
    expect(summarizeLadder(ladder, shop)).toEqual({
      ...shop,
      cells: [],
      brokenRules: 0,
      notSetUp: 'Add the annotation backstage.io/kubernetes-id',
    });
  });
});
