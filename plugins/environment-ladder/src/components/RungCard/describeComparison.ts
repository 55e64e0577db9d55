import type {
  LadderRung,
  RungComparison,
} from '@environment-ladder/plugin-environment-ladder-common';
import { tinyDigest } from '../DigestChip';
import { describeMovingRollout } from './rungHealth';

/** One line saying how a rung relates to the rung below it (the overview's words). */
export function describeComparison(
  comparison: RungComparison | null,
): string | null {
  if (!comparison) {
    return null;
  }
  switch (comparison.relation) {
    case 'same':
      return 'Same digest as the rung below';
    case 'behind':
      return `Behind the rung below by ${comparison.releases} release${
        comparison.releases === 1 ? '' : 's'
      }`;
    case 'ahead':
      return 'Ahead of the rung below';
    default:
      return `Differs from the rung below: ${comparison.reason}`;
  }
}

/**
 * How an upper rung relates to the rung below it: a short label for the
 * connector between their cards ("= below", "1 behind") and a sentence that
 * names both rungs ("Dev is 1 release ahead of Staging: 867d848fca6f").
 * A rung in the middle of a rollout runs two digests on purpose: it is
 * "rolling out", never "unknown".
 */
export function describeRelation(
  upper: LadderRung,
  lower: LadderRung | undefined,
): { short: string; sentence: string } | null {
  const comparison = upper.comparedToBelow;
  if (!comparison || !lower) return null;
  const lowerDigest = lower.digest ? `: ${tinyDigest(lower.digest)}` : '';
  switch (comparison.relation) {
    case 'same':
      return {
        short: '= below',
        sentence: `${upper.title} runs the same digest as ${lower.title}`,
      };
    case 'behind': {
      const n = comparison.releases;
      return {
        short: `${n} behind`,
        sentence: `${lower.title} is ${n} release${
          n === 1 ? '' : 's'
        } ahead of ${upper.title}${lowerDigest}`,
      };
    }
    case 'ahead':
      return {
        short: 'ahead',
        sentence: `${upper.title} is ahead of ${lower.title}`,
      };
    default: {
      const moving = upper.rollouts.map(describeMovingRollout).find(Boolean);
      if (moving) {
        return {
          short: 'rolling out',
          sentence:
            lower.digest && upper.digests.includes(lower.digest)
              ? `${upper.title} is rolling out ${lower.title}'s release${lowerDigest} (${moving})`
              : `${upper.title} is rolling out (${moving})`,
        };
      }
      return {
        short: 'differs',
        sentence: `${upper.title} differs from ${lower.title}: ${comparison.reason}`,
      };
    }
  }
}
