import type { TrustBackend, TrustWorld } from './startTrustWorld';

const CHECKOUT = '/entities/component/default/checkout';

/**
 * What the GitOps cases do to checkout through the real API, and at the GitHub stand-in,
 * as a person and the scheduler would: read the ledger and the ladder, merge a pull
 * request, run reconciler passes until a promotion ends.
 */
export function gitOpsLadderDriver(world: TrustWorld, api: TrustBackend) {
  async function promotionState(id: string) {
    const response = await api.get(`${CHECKOUT}/promotions`);
    expect(response.status).toBe(200);
    return response.body.items.find((p: { id: string }) => p.id === id);
  }

  /** Runs reconciler passes, as the scheduler would every reconcileEvery, until the promotion ends. */
  async function reconcileUntil(
    id: string,
    states: string[],
    timeoutMs = 60_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    const seen: string[] = [];
    for (;;) {
      await api.reconcile();
      const promotion = await promotionState(id);
      if (seen[seen.length - 1] !== promotion.state) seen.push(promotion.state);
      if (states.includes(promotion.state)) return { promotion, seen };
      if (Date.now() > deadline) {
        throw new Error(
          `promotion ${id} still ${
            promotion.state
          } after ${timeoutMs} ms (seen ${seen.join(' → ')})`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }

  async function mergeAtTheStandIn(number: number) {
    const response = await fetch(
      `${world.github.url}/_fixture/pulls/acme/gitops/${number}/merge`,
      { method: 'POST' },
    );
    expect(response.status).toBe(200);
  }

  /** A rung of checkout's ladder and its rollback target, as `viewer` (default `user`) sees them. */
  async function rung(name: string, viewer?: 'releaser') {
    const ladder = await api.get(`${CHECKOUT}/ladder`, viewer);
    expect(ladder.status).toBe(200);
    return {
      rung: ladder.body.rungs.find((r: { name: string }) => r.name === name),
      rollbackTarget: ladder.body.promotions.rollbackTargets.find(
        (t: { targetEnvironment: string }) => t.targetEnvironment === name,
      ),
    };
  }

  /** A promotion (or rollback) into prod: requested by the platform team, approved by another member. */
  async function requestIntoProd(
    reason: string,
    extra: { kind?: 'rollback' } = {},
  ) {
    const requested = await api.post(
      '/promotions',
      {
        entityRef: 'component:default/checkout',
        targetEnvironment: 'prod',
        reason,
        ...extra,
      },
      'releaser',
    );
    expect(requested.status).toBe(201);
    const { id } = requested.body.promotion;
    expect(requested.body.promotion.state).toBe('requested');
    const approved = await api.post(
      `/promotions/${id}/approve`,
      {},
      'approver',
    );
    expect(approved.status).toBe(200);
    expect(approved.body.promotion.state).toBe('pr-open');
    return approved.body.promotion;
  }

  return {
    promotionState,
    reconcileUntil,
    mergeAtTheStandIn,
    rung,
    requestIntoProd,
  };
}
