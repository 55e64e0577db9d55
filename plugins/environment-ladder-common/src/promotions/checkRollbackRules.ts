import { shortDigest } from '../domain/shortDigest';
import { findDigestSignature } from '../signatures/findDigestSignature';
import type { Digest, Ladder, LadderRung } from '../types';
import {
  type PromotionGate,
  type PromotionRulesResult,
} from './checkPromotionRules';
import type { FreezeWindow } from './freezeWindows';
import { checkFreeze, checkNamedDigest, collectVerdicts } from './sharedRules';
import { quoteValue, rungLabel } from './internal';
import { isPromotionInFlight } from './promotionStates';
import { describeRungPins, rungPins } from './rungPins';

/**
 * Where a digest a rung could roll back to was seen running there before.
 *
 * @public
 */
export interface RollbackCandidate {
  /** The digest the rung ran. */
  digest: Digest;
  /** `ledger`: a promotion (or rollback) into the rung ran it verified; `replicaSets`: an older ReplicaSet of the rung's workload ran it. */
  evidence: 'ledger' | 'replicaSets';
  /** The evidence in words, for the verdict and the pull request. */
  message: string;
}

/**
 * What the rollback rules read of one entry of the entity's ledger (a `Promotion` is one).
 *
 * @public
 */
export interface RollbackLedgerEntry {
  /** The rung the entry moved a digest into. */
  targetEnvironment: string;
  /** Only `verified` entries count as evidence; in-flight ones hold the rung. */
  state: string;
  /** The digest it moved. */
  digest: string;
  /** ISO 8601; orders the evidence when `updatedAt` is absent. */
  createdAt?: string;
  /** ISO 8601; for a verified entry, about when it became verified. */
  updatedAt?: string;
  /** The pull request, named in the evidence. */
  pullRequest?: { number: number } | null;
  /** Named when an entry in flight has no pull request yet. */
  requestedBy?: string;
}

/**
 * The digests a rung could roll back to, the preferred one first: the digests that ran
 * verified in the rung according to the ledger (newest first), and, when the ledger has
 * none, those older ReplicaSets of the rung's workloads ran (newest revision first).
 * A digest the rung is pinned to now ({@link rungPins}: its workloads' specs, else what
 * its pods run) is never a candidate; after an aborted canary the stable digest its pods
 * still run is one, the first. A ReplicaSet whose digest the ledger last saw fail in
 * the rung (an aborted canary) is not offered; it may still be named.
 *
 * @public
 */
export function rollbackCandidates(
  rung: LadderRung,
  promotions: RollbackLedgerEntry[],
): RollbackCandidate[] {
  // The pin, not the pods: after an aborted canary the stable pods run the digest to
  // go back to, while the spec still names the canary's.
  const pinned = new Set(rungPins(rung).digests);
  const label = rungLabel(rung);
  const seen = new Set<string>();
  const fromLedger: RollbackCandidate[] = [];
  const verified = promotions
    .filter(p => p.targetEnvironment === rung.name && p.state === 'verified')
    .sort((a, b) =>
      (b.updatedAt ?? b.createdAt ?? '').localeCompare(
        a.updatedAt ?? a.createdAt ?? '',
      ),
    );
  for (const promotion of verified) {
    if (pinned.has(promotion.digest) || seen.has(promotion.digest)) continue;
    seen.add(promotion.digest);
    const when = promotion.updatedAt ?? promotion.createdAt;
    const details = [
      promotion.pullRequest && `pull request #${promotion.pullRequest.number}`,
      when && `verified ${when.slice(0, 16).replace('T', ' ')} UTC`,
    ]
      .filter(Boolean)
      .join(', ');
    fromLedger.push({
      digest: promotion.digest,
      evidence: 'ledger',
      message: `${shortDigest(promotion.digest)} ran verified in ${label}${
        details ? ` (${details})` : ''
      }`,
    });
  }
  if (fromLedger.length) return fromLedger;

  // A ReplicaSet of a canary that failed there (the ledger's newest entry of its digest
  // into the rung failed) ran, but it is no digest to offer going back to.
  const failedHere = new Set<string>();
  const decided = new Set<string>();
  for (const promotion of promotions
    .filter(
      p =>
        p.targetEnvironment === rung.name &&
        (p.state === 'verified' || p.state === 'failed'),
    )
    .sort((a, b) =>
      (b.updatedAt ?? b.createdAt ?? '').localeCompare(
        a.updatedAt ?? a.createdAt ?? '',
      ),
    )) {
    if (decided.has(promotion.digest)) continue;
    decided.add(promotion.digest);
    if (promotion.state === 'failed') failedHere.add(promotion.digest);
  }
  const fromHistory: Array<RollbackCandidate & { revision: number }> = [];
  for (const workload of rung.workloads) {
    const history = workload.history ?? [];
    if (history.length === 0) continue;
    const current = history.reduce((a, b) => (b.revision > a.revision ? b : a));
    for (const entry of history) {
      if (entry === current) continue;
      for (const digest of entry.digests) {
        if (pinned.has(digest) || seen.has(digest) || failedHere.has(digest))
          continue;
        seen.add(digest);
        fromHistory.push({
          digest,
          evidence: 'replicaSets',
          revision: entry.revision,
          message: `${shortDigest(digest)} ran in ${label} at revision ${
            entry.revision
          } of ${workload.kind} ${
            workload.name
          } (its ReplicaSet history; the ledger records no verified promotion of an earlier digest)`,
        });
      }
    }
  }
  return fromHistory
    .sort((a, b) => b.revision - a.revision)
    .map(({ revision: _revision, ...candidate }) => candidate);
}

/** Whether `digest` ran in the rung before: verified in the ledger, or in any of its ReplicaSets. */
function evidenceOf(
  rung: LadderRung,
  promotions: RollbackLedgerEntry[],
  digest: string,
): Omit<RollbackCandidate, 'digest'> | null {
  const label = rungLabel(rung);
  const verified = promotions.find(
    p =>
      p.targetEnvironment === rung.name &&
      p.state === 'verified' &&
      p.digest === digest,
  );
  if (verified) {
    return {
      evidence: 'ledger',
      message: `${shortDigest(digest)} ran verified in ${label}${
        verified.pullRequest
          ? ` (pull request #${verified.pullRequest.number})`
          : ''
      }`,
    };
  }
  for (const workload of rung.workloads) {
    const entry = (workload.history ?? []).find(e =>
      e.digests.includes(digest),
    );
    if (entry) {
      return {
        evidence: 'replicaSets',
        message: `${shortDigest(digest)} ran in ${label} at revision ${
          entry.revision
        } of ${workload.kind} ${workload.name} (its ReplicaSet history)`,
      };
    }
  }
  return null;
}

/**
 * Checks a rollback request: the target rung goes back to a digest that ran there
 * before, through the same digest-only pull request as a promotion. Each rule is
 * explained in a verdict.
 *
 * @remarks
 * Rules, in order:
 * - `target-is-known`: a configured, non-preview rung of the ladder.
 * - `target-is-not-frozen`: as for promotions; a freeze is overridden only with
 *   `overrideFreeze` (the backend grants it with `environment-ladder.freeze.override`).
 * - `rollback-target-is-observed`: the suite reads the rung's clusters (it must know
 *   what runs there now, and follow the rollback until it runs verified).
 * - `digest-is-canonical`: a digest named in the request is `sha256:` + 64 lowercase hex.
 * - `rollback-digest-ran-here`: the digest ran in the rung before: a verified promotion
 *   or rollback into the rung in the ledger, or an older ReplicaSet of the rung's
 *   workload. Without a digest in the request, the newest such digest that the rung
 *   is not pinned to now (the ledger first; its ReplicaSet history when the ledger has none).
 * - `rollback-digest-differs`: the rung could be read and is not pinned to that digest now:
 *   its workloads' specs do not name it ({@link rungPins}; what its pods run when a spec
 *   names no digest). After an aborted canary the spec pins the canary's digest while the
 *   pods run the stable one, so going back to the stable digest passes (Argo Rollouts
 *   returns to the stable ReplicaSet) and the verdict says both.
 * - `no-promotion-in-flight`: no promotion or rollback into the rung is in flight.
 * - `rollback-gate`: a rung gated by `review-and-approval` keeps its approval, unless the
 *   request asks for the emergency path (`emergency`) and the platform allows it
 *   (`emergencyAllowed`, from `environmentLadder.promotions.rollback.emergency`); the
 *   backend grants `emergency` only with `environment-ladder.rollback.emergency`. The
 *   pull request is still reviewed where the gate asks for a review.
 *
 * Signatures are not checked again: the digest passed the rules when it went in.
 * The result's `sourceEnvironment` is the target itself (the digest comes from the
 * rung's own past). The refusal is the first failed rule of the most important kind:
 * input, then conflict, then precondition.
 *
 * @public
 */
export function checkRollbackRules(input: {
  ladder: Ladder;
  request: {
    targetEnvironment: string;
    digest?: string;
    overrideFreeze?: boolean;
    emergency?: boolean;
  };
  rungs: Array<{
    name: string;
    gate: PromotionGate;
    preview?: boolean;
    freezes?: FreezeWindow[];
  }>;
  /** The entity's promotions and rollbacks, any state: the ledger's evidence and what is in flight. */
  promotions: RollbackLedgerEntry[];
  /** Whether the platform allows emergency rollbacks that skip the approval. */
  emergencyAllowed: boolean;
  now?: Date;
}): PromotionRulesResult & {
  /** True when the rollback skips the rung's approval (the emergency path). */
  skipsApproval: boolean;
  /** Where the digest was seen running in the rung before; null without a digest. */
  evidence: RollbackCandidate['evidence'] | null;
} {
  const { ladder, request, rungs, promotions } = input;
  const { verdicts, pass, fail, refusal: firstRefusal } = collectVerdicts();
  let skipsApproval = false;
  let evidence: RollbackCandidate['evidence'] | null = null;
  const finish = (
    sourceEnvironment: string | null,
    digest: string | null,
    gate: PromotionGate | null,
  ) => {
    const refusal = firstRefusal();
    const signature = digest ? findDigestSignature(ladder, digest) : null;
    return {
      verdicts,
      sourceEnvironment,
      digest,
      gate,
      refusal,
      skipsApproval: refusal ? false : skipsApproval,
      evidence: digest ? evidence : null,
      ...(signature ? { signature } : {}),
    };
  };

  const requestedDigest = request.digest ? request.digest : undefined;
  const checkGivenDigest = () =>
    checkNamedDigest(requestedDigest, { pass, fail });

  // target-is-known
  const targetName = request.targetEnvironment;
  const targetConfig = rungs.find(rung => rung.name === targetName);
  const target = ladder.rungs.find(rung => rung.name === targetName);
  if (!targetConfig || !target || targetConfig.preview) {
    fail(
      'target-is-known',
      targetConfig?.preview
        ? `${quoteValue(
            targetName,
          )} is a preview rung: previews follow their pull requests, nothing is rolled back there`
        : `${quoteValue(targetName)} is not a rung of the ladder (rungs: ${
            ladder.rungs.map(rung => rung.name).join(', ') || 'none'
          })`,
      'input',
    );
    checkGivenDigest();
    return finish(null, null, targetConfig?.gate ?? null);
  }
  const label = rungLabel(target);
  pass('target-is-known', `${label} is a rung of the ladder`);

  // target-is-not-frozen: a rollback is a change like any other; a freeze holds it too.
  checkFreeze(
    {
      label,
      freezes: targetConfig.freezes,
      now: input.now,
      overrideFreeze: request.overrideFreeze,
      action: 'roll back',
    },
    { pass, fail },
  );

  // rollback-target-is-observed
  if (!target.observed) {
    fail(
      'rollback-target-is-observed',
      `${label} is not observed by the suite (no clusters configured), so what it ran before and what it runs now are unknown`,
      'input',
    );
    checkGivenDigest();
    return finish(null, null, targetConfig.gate);
  }
  pass(
    'rollback-target-is-observed',
    `${label} is observed, so the rollback can be followed until it runs verified`,
  );

  // digest-is-canonical, rollback-digest-ran-here
  const given = checkGivenDigest();
  let digest: string | null = null;
  if (given) {
    const found = evidenceOf(target, promotions, given);
    if (found) {
      digest = given;
      evidence = found.evidence;
      pass('rollback-digest-ran-here', found.message);
    } else {
      fail(
        'rollback-digest-ran-here',
        `${shortDigest(
          given,
        )} never ran in ${label}: no verified promotion into ${label} in the ledger and no ReplicaSet of it ran that digest; a rollback only goes back to a digest the rung ran`,
        'precondition',
      );
    }
  } else if (given === undefined) {
    const [candidate] = rollbackCandidates(target, promotions);
    if (candidate) {
      digest = candidate.digest;
      evidence = candidate.evidence;
      pass(
        'rollback-digest-ran-here',
        `Rolls back to the previous digest: ${candidate.message}`,
      );
    } else {
      fail(
        'rollback-digest-ran-here',
        target.error
          ? `${label} cannot be read (${target.error.cluster}: ${target.error.message}) and the ledger records no earlier verified digest, so there is nothing known to roll back to`
          : `Nothing to roll back to: the ledger records no verified promotion into ${label} of a digest it is not pinned to now, and its ReplicaSet history shows no earlier digest`,
        'precondition',
      );
    }
  }

  // rollback-digest-differs: against what the rung is pinned to, not only what its pods run.
  const pins = rungPins(target);
  const comparedPins = describeRungPins(target, pins);
  if (digest) {
    if (target.error) {
      fail(
        'rollback-digest-differs',
        `${label} cannot be read (${target.error.cluster}: ${
          target.error.message
        }), so whether it runs ${shortDigest(digest)} now is unknown`,
        'precondition',
      );
    } else if (pins.digests.includes(digest)) {
      fail(
        'rollback-digest-differs',
        comparedPins
          ? `${comparedPins}: it is pinned to ${shortDigest(
              digest,
            )} already; there is nothing to roll back`
          : `${label} runs ${shortDigest(
              digest,
            )} now; there is nothing to roll back`,
        'precondition',
      );
    } else if (comparedPins) {
      pass(
        'rollback-digest-differs',
        `${comparedPins}; it is not pinned to ${shortDigest(digest)}`,
      );
    } else {
      pass(
        'rollback-digest-differs',
        `${label} runs ${
          target.digests.length
            ? target.digests.map(running => shortDigest(running)).join(', ')
            : 'no digest that could be read'
        } now, not ${shortDigest(digest)}`,
      );
    }
  }

  // no-promotion-in-flight
  const busy = promotions.filter(
    promotion =>
      promotion.targetEnvironment === targetName &&
      isPromotionInFlight(promotion.state),
  );
  if (busy.length) {
    const first = busy[0];
    const details = [
      first.pullRequest
        ? `pull request #${first.pullRequest.number}`
        : first.requestedBy && `requested by ${first.requestedBy}`,
      `state ${first.state}`,
      shortDigest(first.digest),
    ]
      .filter(Boolean)
      .join(', ');
    fail(
      'no-promotion-in-flight',
      `A promotion to ${label} is already in flight (${details}); wait until it is verified or has failed`,
      'conflict',
    );
  } else {
    pass(
      'no-promotion-in-flight',
      `No other promotion to ${label} is in flight`,
    );
  }

  // rollback-gate
  const gate = targetConfig.gate;
  if (gate.type === 'review-and-approval') {
    if (!request.emergency) {
      pass(
        'rollback-gate',
        `${label} needs a reviewed pull request and a manual approval, for a rollback as for a promotion`,
      );
    } else if (!input.emergencyAllowed) {
      fail(
        'rollback-gate',
        `${label} needs a manual approval and the platform allows no emergency rollback that skips it (environmentLadder.promotions.rollback.emergency is off); ask for an approval instead`,
        'input',
      );
    } else {
      skipsApproval = true;
      pass(
        'rollback-gate',
        `Emergency rollback: the manual approval of ${label} is skipped (the platform allows it and the requester may); the pull request opens at once and is still reviewed`,
      );
    }
  } else {
    pass(
      'rollback-gate',
      gate.type === 'auto-merge'
        ? `${label} is rolled back by an automatically merged pull request`
        : `${label} needs a reviewed pull request${
            request.emergency ? ' (it asks for no approval to skip)' : ''
          }`,
    );
  }

  return finish(targetName, digest, gate);
}
