import type { Entity } from '@backstage/catalog-model';
import {
  findSignatureViolations,
  imageRepository,
  signableDigests,
  type DigestSignature,
  type Ladder,
  type LadderRung,
  type SignatureRequirement,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { LadderService } from '../LadderService/types';
import type { SignatureVerifier } from './types';

/**
 * Wraps a ladder service: after the ladder is built, every digest a rung shows (its own
 * and its previews') gets its signature verdict (`rung.signatures`), and a rung that
 * requires signatures but runs an unsigned or badly signed digest gets a
 * `digest-not-signed` violation. A verification that takes longer than `waitMs` answers
 * "could not check" for this view and goes on; the next view finds its verdict cached.
 */
export function createSignedLadderService(options: {
  ladderService: LadderService;
  verifier: SignatureVerifier;
  requirements: Record<string, SignatureRequirement>;
  waitMs: number;
}): LadderService {
  const { ladderService, verifier, requirements, waitMs } = options;

  async function verdict(target: {
    digest: string;
    repository: string;
  }): Promise<DigestSignature> {
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<DigestSignature>(resolve => {
      timer = setTimeout(
        () =>
          resolve({
            ...target,
            status: 'unavailable',
            signer: null,
            format: null,
            summary: 'could not check: registry unavailable',
            reason: `the registry did not answer within ${waitMs} ms; still checking`,
            details: [
              `The registry did not answer within ${waitMs} ms; the check goes on and the next view shows its verdict`,
            ],
            checkedAt: new Date().toISOString(),
          }),
        waitMs,
      );
    });
    try {
      return await Promise.race([verifier.verify(target), slow]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async getLadder(entity: Entity, getOptions?: { fresh?: boolean }) {
      const ladder = await ladderService.getLadder(entity, getOptions);
      return withSignatures(ladder);
    },
  };

  async function withSignatures(ladder: Ladder): Promise<Ladder> {
    const fallback = serviceRepository(ladder);
    const rungs = await Promise.all(
      ladder.rungs.map(async (rung): Promise<LadderRung> => {
        if (!rung.observed) return rung;
        const digests = await Promise.all(
          signableDigests(rung, fallback).map(verdict),
        );
        const signed: LadderRung = {
          ...rung,
          signatures: {
            requirement: requirements[rung.name] ?? 'off',
            digests,
          },
        };
        return {
          ...signed,
          violations: [...rung.violations, ...findSignatureViolations(signed)],
        };
      }),
    );
    return {
      ...ladder,
      rungs,
      violations: rungs.flatMap(rung => rung.violations),
    };
  }
}

/** The repository most of the ladder's workloads run: one build climbs every rung. */
function serviceRepository(ladder: Ladder): string | null {
  const counts = new Map<string, number>();
  for (const rung of ladder.rungs) {
    for (const workload of rung.workloads) {
      for (const running of workload.running) {
        const repository = imageRepository(running.image);
        counts.set(repository, (counts.get(repository) ?? 0) + running.pods);
      }
    }
  }
  let best: string | null = null;
  for (const [repository, pods] of counts) {
    if (!best || pods > (counts.get(best) ?? 0)) best = repository;
  }
  return best;
}
