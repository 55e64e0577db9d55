import { describeSigner } from '../signatures/describeSigner';
import { findDigestSignature } from '../signatures/findDigestSignature';
import type { DigestSignature } from '../signatures/types';
import type { Ladder, LadderRung } from '../types';
import { isCanonicalDigest } from './isCanonicalDigest';
import { quoteValue, rungLabel } from './internal';
import { shortDigest } from '../domain/shortDigest';
import { isPromotionInFlight } from './promotionStates';
import type { FreezeWindow } from './freezeWindows';
import { checkFreeze, checkNamedDigest, collectVerdicts } from './sharedRules';
import type { RuleVerdict } from './types';

/**
 * How a promotion into a rung is gated, as the platform owner configured it.
 *
 * @public
 */
export interface PromotionGate {
  type: 'auto-merge' | 'review' | 'review-and-approval';
  canaryAnalysis: boolean;
}

/**
 * What the promotion rules need to know of a configured rung.
 *
 * @public
 */
export interface PromotionRungRules {
  name: string;
  gate: PromotionGate;
  /** A preview rung is never a promotion source or target. */
  preview?: boolean;
  /** While one is in force, promotions into the rung are refused unless overridden. */
  freezes?: FreezeWindow[];
}

/**
 * Why a promotion request is refused; the router maps input → 400 and conflict or precondition → 409 (the state of the ladder or the ledger conflicts with the request).
 *
 * @public
 */
export interface PromotionRefusal {
  rule: string;
  message: string;
  kind: 'input' | 'conflict' | 'precondition';
}

/**
 * What {@link checkPromotionRules} concluded.
 *
 * @public
 */
export interface PromotionRulesResult {
  /** Every rule that could be checked, in the order a reader follows them. */
  verdicts: RuleVerdict[];
  /**
   * The next observed, non-preview rung below the target; null when there is none. For a
   * promotion from CI ({@link CI_SOURCE}), `ci` once the target accepts it.
   */
  sourceEnvironment: string | null;
  /** The digest to promote (as given, or defaulted from the source rung); null when unknown. */
  digest: string | null;
  /** The target rung's gate; null when the target is unknown. */
  gate: PromotionGate | null;
  /** The most important broken rule, or null when the promotion may go ahead. */
  refusal: PromotionRefusal | null;
  /** The digest's signature verdict when the ladder carries one (for the pull request's evidence). */
  signature?: DigestSignature | null;
}

/**
 * The source of a promotion CI requests: the build enters the ladder from outside it.
 * The ledger records it as the promotion's `sourceEnvironment`.
 *
 * @public
 */
export const CI_SOURCE = 'ci';

/**
 * Checks a promotion request against the ladder's rules, each explained in a verdict.
 *
 * @remarks
 * Rules, in order:
 * - `target-is-known`: the target is a configured rung of the ladder, and not a preview
 *   rung (previews come from pull requests).
 * - `target-is-not-frozen`: no freeze window of the target rung is in force at `now`;
 *   refused with the window's reason and when it ends, unless the request overrides the
 *   freeze (`overrideFreeze`, which the backend grants only with the
 *   `environment-ladder.freeze.override` permission); an override passes and says so.
 * - `target-is-observed`: the suite reads the target rung's clusters, so the promotion can
 *   be followed until it runs verified.
 * - `target-is-not-lowest`: builds enter the ladder at the lowest observed rung; nothing is
 *   promoted into it. A request from CI (`request.fromCi`) is the exception and checks
 *   `target-accepts-ci` instead: the target must be the lowest observed, non-preview rung
 *   and gated `auto-merge`. Its digest must be named (nothing below runs it), and
 *   `source-runs-digest-healthy` is left out (there is no source rung to read); every
 *   other rule applies as to a person's request.
 * - `source-is-next-rung`: the source is the next observed rung below the target (one rung
 *   at a time); preview rungs are never a source and are skipped.
 * - `digest-is-canonical`: the digest (given, or defaulted to the one digest the source
 *   runs) is `sha256:` + 64 lowercase hex.
 * - `digest-is-signed`: when the target rung requires signatures (`signatures.requirement`
 *   on the ladder's rung is `required`), the digest has a signature that verifies against
 *   the configured keys or keyless identities; unsigned, badly signed or not checkable
 *   (registry down) is refused. Under `warn` it passes and says what is wrong; under
 *   `off`, or when the ladder carries no signature verdicts, it is left out.
 * - `source-runs-digest-healthy`: the source rung could be read, runs exactly that digest,
 *   has all its replicas ready, and no rollout of it is aborted or Degraded.
 * - `target-does-not-run-digest`: the target could be read and does not already run it.
 * - `no-promotion-in-flight`: no promotion to the same target is requested, open, merged or
 *   running for the entity (`inFlight` holds the entity's promotions).
 * - `gate`: always passes; says what the target's gate will ask for.
 *
 * Rules that depend on an unknown target or digest are left out. The refusal is the
 * first failed rule of the most important kind: input, then conflict, then precondition.
 *
 * @public
 */
export function checkPromotionRules(input: {
  ladder: Ladder;
  request: {
    targetEnvironment: string;
    digest?: string;
    overrideFreeze?: boolean;
    /** A build from CI enters the ladder (see `target-accepts-ci`). */
    fromCi?: boolean;
  };
  rungs: PromotionRungRules[];
  /** When the promotion would happen, for the freeze windows; defaults to now. */
  now?: Date;
  inFlight: Array<{
    targetEnvironment: string;
    state: string;
    id?: string;
    digest?: string;
    pullRequest?: { number: number } | null;
    requestedBy?: string;
  }>;
}): PromotionRulesResult {
  const { ladder, request, rungs, inFlight } = input;
  const { verdicts, pass, fail, refusal: firstRefusal } = collectVerdicts();
  const finish = (
    sourceEnvironment: string | null,
    digest: string | null,
    gate: PromotionGate | null,
  ): PromotionRulesResult => {
    const refusal = firstRefusal();
    const signature = digest ? findDigestSignature(ladder, digest) : null;
    return {
      verdicts,
      sourceEnvironment,
      digest,
      gate,
      refusal,
      ...(signature ? { signature } : {}),
    };
  };

  const isPreview = (name: string) =>
    rungs.some(rung => rung.name === name && rung.preview === true);
  const requestedDigest =
    request.digest === undefined ||
    request.digest === null ||
    request.digest === ''
      ? undefined
      : request.digest;
  const checkGivenDigest = () =>
    checkNamedDigest(requestedDigest, { pass, fail });

  // target-is-known
  const targetName = request.targetEnvironment;
  const targetConfig = rungs.find(rung => rung.name === targetName);
  const targetIndex = ladder.rungs.findIndex(rung => rung.name === targetName);
  if (!targetConfig || targetIndex < 0) {
    fail(
      'target-is-known',
      `${quoteValue(targetName)} is not a rung of the ladder (rungs: ${
        ladder.rungs.map(rung => rung.name).join(', ') || 'none'
      })`,
      'input',
    );
    checkGivenDigest();
    return finish(null, null, null);
  }
  const target = ladder.rungs[targetIndex];
  const targetLabel = rungLabel(target);
  if (targetConfig.preview) {
    fail(
      'target-is-known',
      `${targetLabel} is a preview rung: previews are created by pull requests, never by a promotion`,
      'input',
    );
    checkGivenDigest();
    return finish(null, null, targetConfig.gate);
  }
  pass('target-is-known', `${targetLabel} is a rung of the ladder`);

  // target-is-not-frozen
  checkFreeze(
    {
      label: targetLabel,
      freezes: targetConfig.freezes,
      now: input.now,
      overrideFreeze: request.overrideFreeze,
      action: 'promote',
    },
    { pass, fail },
  );

  // target-is-observed, target-is-not-lowest, source-is-next-rung
  let source: LadderRung | null = null;
  let ciAccepted = false;
  if (!target.observed) {
    fail(
      'target-is-observed',
      `${targetLabel} is not observed by the suite (no clusters configured), so a promotion into it could never be verified`,
      'input',
    );
  } else {
    pass(
      'target-is-observed',
      `${targetLabel} is observed, so the promotion can be followed until it runs verified`,
    );
    for (let index = targetIndex - 1; index >= 0; index--) {
      const candidate = ladder.rungs[index];
      if (candidate.observed && !isPreview(candidate.name)) {
        source = candidate;
        break;
      }
    }
    if (request.fromCi) {
      checkCiEntry(source);
      source = null;
    } else if (!source) {
      fail(
        'target-is-not-lowest',
        `${targetLabel} is the lowest observed rung: builds enter the ladder there, nothing is promoted into it`,
        'input',
      );
    } else {
      pass(
        'target-is-not-lowest',
        `${targetLabel} is not the lowest observed rung`,
      );
      const skipped = ladder.rungs
        .slice(ladder.rungs.indexOf(source) + 1, targetIndex)
        .filter(rung => isPreview(rung.name));
      pass(
        'source-is-next-rung',
        `Promotes from ${rungLabel(
          source,
        )}, the next rung below ${targetLabel} (one rung at a time${
          skipped.length
            ? `; the preview rung ${skipped
                .map(rungLabel)
                .join(', ')} is never a source`
            : ''
        })`,
      );
    }
  }

  // digest-is-canonical
  let digest: string | null = checkGivenDigest() ?? null;
  if (request.fromCi && requestedDigest === undefined) {
    fail(
      'digest-is-canonical',
      'No digest was named: CI must name the digest it built (sha256: followed by 64 lowercase hex characters)',
      'input',
    );
  }
  if (requestedDigest === undefined && source) {
    const sourceLabel = rungLabel(source);
    if (source.error) {
      fail(
        'digest-is-canonical',
        `No digest was named and ${sourceLabel} cannot be read (${source.error.cluster}: ${source.error.message}), so there is no digest to default to`,
        'precondition',
      );
    } else if (source.digest && isCanonicalDigest(source.digest)) {
      digest = source.digest;
      pass(
        'digest-is-canonical',
        `Defaults to ${shortDigest(
          digest,
        )}, the one digest ${sourceLabel} runs`,
      );
    } else if (source.digests.length === 0) {
      fail(
        'digest-is-canonical',
        `No digest was named and ${sourceLabel} runs no digest that could be read; name the digest to promote`,
        'precondition',
      );
    } else {
      fail(
        'digest-is-canonical',
        `No digest was named and ${sourceLabel} runs ${
          source.digests.length
        } digests (${source.digests
          .map(running => shortDigest(running))
          .join(', ')}); name the one to promote`,
        'precondition',
      );
    }
  }

  // digest-is-signed
  const requirement = target.signatures?.requirement ?? 'off';
  if (digest && requirement !== 'off') {
    const signature = findDigestSignature(ladder, digest);
    const short = shortDigest(digest);
    if (signature?.status === 'signed' && signature.signer) {
      pass(
        'digest-is-signed',
        `${short} is signed by ${describeSigner(signature.signer)}`,
      );
    } else {
      let problem: string;
      if (!signature) {
        problem = `the signature of ${short} has not been checked (no rung shows it)`;
      } else if (signature.status === 'unavailable') {
        problem = `the signature of ${short} could not be checked (${
          signature.reason ?? signature.summary
        }); try again shortly`;
      } else if (signature.status === 'unsigned') {
        problem = `${short} is unsigned`;
      } else {
        problem = `the signature of ${short} does not verify (${
          signature.reason ?? signature.summary
        })`;
      }
      if (requirement === 'required') {
        fail(
          'digest-is-signed',
          `${targetLabel} requires a valid signature, and ${problem}`,
          'precondition',
        );
      } else {
        pass(
          'digest-is-signed',
          `${targetLabel} only warns about signatures: ${problem}`,
        );
      }
    }
  }

  // source-runs-digest-healthy
  if (source && digest) {
    const sourceLabel = rungLabel(source);
    const problems: string[] = [];
    if (source.error) {
      problems.push(
        `it cannot be read (${source.error.cluster}: ${source.error.message})`,
      );
    } else {
      if (!source.digests.includes(digest)) {
        problems.push(
          `it does not run ${shortDigest(digest)}${
            source.digests.length
              ? ` (it runs ${source.digests
                  .map(running => shortDigest(running))
                  .join(', ')})`
              : ''
          }`,
        );
      } else if (source.digests.length > 1) {
        const others = source.digests.length - 1;
        problems.push(
          `it runs ${shortDigest(digest)} next to ${others} other digest${
            others === 1 ? '' : 's'
          }; wait until it runs only this one`,
        );
      }
      if (source.replicas.desired === 0) {
        problems.push('it has no replicas');
      } else if (source.replicas.ready < source.replicas.desired) {
        problems.push(
          `only ${source.replicas.ready} of ${source.replicas.desired} replicas are ready`,
        );
      }
      for (const rollout of source.rollouts) {
        if (rollout.aborted) {
          problems.push(`rollout ${rollout.name} is aborted`);
        } else if (rollout.phase === 'Degraded') {
          problems.push(
            `rollout ${rollout.name} is Degraded${
              rollout.message ? `: ${rollout.message}` : ''
            }`,
          );
        }
      }
    }
    if (problems.length) {
      fail(
        'source-runs-digest-healthy',
        `${sourceLabel} is not a healthy source for ${shortDigest(
          digest,
        )}: ${problems.join('; ')}`,
        'precondition',
      );
    } else {
      pass(
        'source-runs-digest-healthy',
        `${sourceLabel} runs ${shortDigest(digest)} on all ${
          source.replicas.desired
        } replica${source.replicas.desired === 1 ? '' : 's'}, healthy${
          source.since ? `, since ${source.since}` : ''
        }`,
      );
    }
  }

  // target-does-not-run-digest
  if (digest && target.observed) {
    if (target.error) {
      fail(
        'target-does-not-run-digest',
        `${targetLabel} cannot be read (${target.error.cluster}: ${
          target.error.message
        }), so whether it already runs ${shortDigest(digest)} is unknown`,
        'precondition',
      );
    } else if (target.digests.includes(digest)) {
      fail(
        'target-does-not-run-digest',
        target.digests.length === 1
          ? `${targetLabel} already runs ${shortDigest(digest)}`
          : `${targetLabel} already runs ${shortDigest(
              digest,
            )} on part of its pods (a rollout in progress?)`,
        'precondition',
      );
    } else {
      pass(
        'target-does-not-run-digest',
        `${targetLabel} does not run ${shortDigest(digest)} yet${
          target.digests.length
            ? ` (it runs ${target.digests
                .map(running => shortDigest(running))
                .join(', ')})`
            : ''
        }`,
      );
    }
  }

  // no-promotion-in-flight
  const busy = inFlight.filter(
    promotion =>
      promotion.targetEnvironment === targetName &&
      isPromotionInFlight(promotion.state),
  );
  if (busy.length) {
    const first = busy[0];
    // Words a person can act on: the pull request (or who asked), never a ledger id.
    const details = [
      first.pullRequest
        ? `pull request #${first.pullRequest.number}`
        : first.requestedBy && `requested by ${first.requestedBy}`,
      `state ${first.state}`,
      first.digest ? shortDigest(first.digest) : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    fail(
      'no-promotion-in-flight',
      `A promotion to ${targetLabel} is already in flight (${details}); wait until it is verified or has failed`,
      'conflict',
    );
  } else {
    pass(
      'no-promotion-in-flight',
      `No other promotion to ${targetLabel} is in flight`,
    );
  }

  // gate
  pass('gate', describeGate(targetLabel, targetConfig.gate));

  const ciSource = ciAccepted ? CI_SOURCE : null;
  return finish(
    request.fromCi ? ciSource : source?.name ?? null,
    digest,
    targetConfig.gate,
  );

  /**
   * target-accepts-ci: CI brings a build into the ladder where builds enter it, the
   * lowest observed rung (`below` is the observed rung under the target, if any), and
   * only where the platform lets a pull request merge without a person (`auto-merge`).
   */
  function checkCiEntry(below: LadderRung | null) {
    if (below) {
      const lowest =
        ladder.rungs.find(r => r.observed && !isPreview(r.name)) ?? below;
      fail(
        'target-accepts-ci',
        `${targetLabel} is not the lowest observed rung: CI brings builds into ${rungLabel(
          lowest,
        )}, and they move up from there by promotion`,
        'input',
      );
    } else if (targetConfig!.gate.type !== 'auto-merge') {
      fail(
        'target-accepts-ci',
        `${targetLabel} is gated ${
          targetConfig!.gate.type
        }: CI promotes only into a rung whose gate is auto-merge`,
        'input',
      );
    } else {
      ciAccepted = true;
      pass(
        'target-accepts-ci',
        `${targetLabel} is the lowest observed rung and merges automatically: builds from CI enter the ladder there`,
      );
    }
  }
}

function describeGate(label: string, gate: PromotionGate): string {
  const canary = gate.canaryAnalysis
    ? ', then a canary rollout whose analysis must succeed'
    : '';
  switch (gate.type) {
    case 'auto-merge':
      return `${label} is promoted by an automatically merged pull request${canary}`;
    case 'review':
      return `${label} needs a reviewed pull request${canary}`;
    case 'review-and-approval':
    default:
      return `${label} needs a reviewed pull request and a manual approval${canary}`;
  }
}
