import { builds, pinned } from '../__fixtures__/ladder/kubernetes';
import type { Digest, RolloutStatus, WorkloadStatus } from '../types';
import { compareRungs } from './compareRungs';

type History = NonNullable<WorkloadStatus['history']>;

function deployment(running: Digest[], history: History): WorkloadStatus {
  return {
    kind: 'Deployment',
    cluster: 'c',
    namespace: 'shop',
    name: 'shop',
    specImages: [],
    replicas: { desired: 1, current: 1, updated: 1, ready: 1, available: 1 },
    running: running.map(digest => ({
      image: pinned(digest),
      pinnedByDigest: true,
      digest,
      pods: 1,
      readyPods: 1,
      since: null,
    })),
    revision: history.length ? history[history.length - 1].revision : null,
    history,
  };
}

function revisions(...digests: Array<Digest | null>): History {
  return digests.map((digest, index) => ({
    revision: index + 1,
    firstRevision: index + 1,
    image: digest ? pinned(digest) : 'ghcr.io/acme/shop:latest',
    digests: digest ? [digest] : [],
  }));
}

function rung(
  name: string,
  digest: Digest | null,
  workloads: WorkloadStatus[],
  rollouts: RolloutStatus[] = [],
) {
  return { name, digest, workloads, rollouts };
}

describe('compareRungs', () => {
  const { v1, v2, v3, v4, rebuild } = builds;

  it('is the same when both rungs run one and the same digest', () => {
    expect(
      compareRungs(
        rung('staging', v2, [deployment([v2], revisions(v1, v2))]),
        rung('prod', v2, [deployment([v2], [])]),
      ),
    ).toEqual({ relation: 'same' });
  });

  it('counts the releases the lower rung rolled out since the upper digest', () => {
    const staging = rung('staging', v4, [
      deployment([v4], revisions(v1, v2, v3, v4)),
    ]);
    expect(compareRungs(staging, rung('prod', v3, []))).toEqual({
      relation: 'behind',
      releases: 1,
    });
    expect(compareRungs(staging, rung('prod', v1, []))).toEqual({
      relation: 'behind',
      releases: 3,
    });
  });

  it('counts distinct digests, not revisions that changed something else', () => {
    const history = revisions(v1, v2, v2, v3);
    expect(
      compareRungs(
        rung('staging', v3, [deployment([v3], history)]),
        rung('prod', v1, []),
      ),
    ).toEqual({ relation: 'behind', releases: 2 });
  });

  it('measures from the latest release of a digest that rolled out twice', () => {
    const history = revisions(v1, v2, v1, v3);
    expect(
      compareRungs(
        rung('staging', v3, [deployment([v3], history)]),
        rung('prod', v1, []),
      ),
    ).toEqual({ relation: 'behind', releases: 1 });
  });

  it('is ahead when the lower rung was rolled back past the upper digest', () => {
    // v1 (rev 1), v2 (rev 2), then a rollback re-labels v1's ReplicaSet as revision 3.
    const history: History = [
      { revision: 2, firstRevision: 2, image: pinned(v2), digests: [v2] },
      { revision: 3, firstRevision: 1, image: pinned(v1), digests: [v1] },
    ];
    expect(
      compareRungs(
        rung('staging', v1, [deployment([v1], history)]),
        rung('prod', v2, []),
      ),
    ).toEqual({ relation: 'ahead' });
  });

  it('takes the largest distance over the clusters of the lower rung', () => {
    const staging = rung('staging', v3, [
      deployment([v3], revisions(v2, v3)),
      deployment([v3], revisions(v1, v2, null, v3)),
    ]);
    expect(compareRungs(staging, rung('prod', v2, []))).toEqual({
      relation: 'behind',
      releases: 1,
    });
    expect(compareRungs(staging, rung('prod', v1, []))).toEqual({
      relation: 'behind',
      releases: 2,
    });
  });

  it('is unknown, with the reason, when the upper digest never ran below', () => {
    expect(
      compareRungs(
        rung('Staging', v2, [deployment([v2], revisions(v1, v2))]),
        rung('Production', rebuild, []),
      ),
    ).toEqual({
      relation: 'unknown',
      reason:
        'Production runs sha256:eeeeeeeeeeee…, which never ran in Staging',
    });
    expect(
      compareRungs(
        rung('Staging', v2, [deployment([v2], revisions(null, v2))]),
        rung('Production', rebuild, []),
      ),
    ).toEqual({
      relation: 'unknown',
      reason:
        'Production runs sha256:eeeeeeeeeeee…, which never ran in Staging as far as its revision history tells (some earlier revisions are not pinned by digest)',
    });
    expect(
      compareRungs(
        rung('Staging', v2, [deployment([v2], [])]),
        rung('Production', rebuild, []),
      ),
    ).toEqual({
      relation: 'unknown',
      reason:
        "Production runs sha256:eeeeeeeeeeee…, which never ran in Staging (Staging's revision history is not available)",
    });
  });

  it('is unknown when a rung does not run exactly one digest', () => {
    const lower = rung('Staging', v2, [deployment([v2], revisions(v1, v2))]);
    expect(
      compareRungs(lower, rung('Production', null, [deployment([v1, v2], [])])),
    ).toEqual({
      relation: 'unknown',
      reason:
        'Production runs 2 digests (sha256:a1a1a1a1a1a1…, sha256:b2b2b2b2b2b2…)',
    });
    expect(compareRungs(lower, rung('Production', null, []))).toEqual({
      relation: 'unknown',
      reason: 'Production runs no pods',
    });
    const pulling = deployment([], []);
    pulling.running = [
      {
        image: 'shop:1',
        pinnedByDigest: false,
        digest: null,
        pods: 2,
        readyPods: 0,
        since: null,
      },
    ];
    expect(compareRungs(lower, rung('Production', null, [pulling]))).toEqual({
      relation: 'unknown',
      reason: "Production's pods report no image digest yet",
    });
    expect(
      compareRungs(rung('Staging', null, []), rung('Production', v2, [])),
    ).toEqual({
      relation: 'unknown',
      reason: 'Staging runs no pods',
    });
  });

  it('says when the upper rung is in the middle of a rollout', () => {
    const rollout = {
      name: 'shop',
      phase: 'Paused',
      step: '3/8',
    } as RolloutStatus;
    expect(
      compareRungs(
        rung('Staging', v3, []),
        rung('Production', null, [deployment([v2, v3], [])], [rollout]),
      ),
    ).toEqual({
      relation: 'unknown',
      reason:
        'Production is rolling out (Rollout shop at step 3/8) and runs 2 digests (sha256:b2b2b2b2b2b2…, sha256:c3c3c3c3c3c3…)',
    });
  });

  it('names the rungs generically without names', () => {
    expect(
      compareRungs(
        { digest: null, workloads: [], rollouts: [] },
        { digest: v1, workloads: [], rollouts: [] },
      ),
    ).toEqual({
      relation: 'unknown',
      reason: 'the lower rung runs no pods',
    });
  });
});
