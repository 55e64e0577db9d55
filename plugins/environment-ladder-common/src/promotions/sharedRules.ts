import { shortDigest } from '../domain/shortDigest';
import {
  describeFreezeEnd,
  findActiveFreeze,
  type FreezeWindow,
} from './freezeWindows';
import { quoteValue } from './internal';
import { isCanonicalDigest } from './isCanonicalDigest';
import type { RuleVerdict } from './types';

/** How a rule check records its verdict (the caller collects them and the refusals). */
export interface VerdictSink {
  pass(rule: string, message: string): void;
  fail(rule: string, message: string, kind: RefusalKind): void;
}

type RefusalKind = 'input' | 'conflict' | 'precondition';

/** Which refusal wins when several rules fail: the requester's input first. */
const KIND_ORDER: RefusalKind[] = ['input', 'conflict', 'precondition'];

/**
 * Collects a rule check's verdicts; `refusal()` is the first failed rule of the most
 * important kind (input, then conflict, then precondition), or null.
 */
export function collectVerdicts() {
  const verdicts: RuleVerdict[] = [];
  const failures: Array<{ rule: string; message: string; kind: RefusalKind }> =
    [];
  return {
    verdicts,
    pass(rule: string, message: string) {
      verdicts.push({ rule, passed: true, message });
    },
    fail(rule: string, message: string, kind: RefusalKind) {
      verdicts.push({ rule, passed: false, message });
      failures.push({ rule, message, kind });
    },
    refusal() {
      return (
        KIND_ORDER.map(kind => failures.find(f => f.kind === kind)).find(
          Boolean,
        ) ?? null
      );
    },
  };
}

/**
 * `digest-is-canonical` for a digest the request names: the digest when canonical, null
 * when refused, undefined when none was named (the caller defaults it).
 */
export function checkNamedDigest(
  digest: string | undefined,
  verdicts: VerdictSink,
): string | null | undefined {
  if (digest === undefined) return undefined;
  if (!isCanonicalDigest(digest)) {
    verdicts.fail(
      'digest-is-canonical',
      `${quoteValue(
        digest,
      )} is not a digest in canonical form: sha256: followed by 64 lowercase hex characters (a tag, a short digest, upper case or another algorithm is refused)`,
      'input',
    );
    return null;
  }
  verdicts.pass(
    'digest-is-canonical',
    `${shortDigest(digest)} is a digest in canonical form`,
  );
  return digest;
}

/**
 * `target-is-not-frozen`: refused (a conflict) while a freeze window of the rung is in
 * force, unless the request overrides it; left out for a rung without windows.
 */
export function checkFreeze(
  input: {
    label: string;
    freezes: FreezeWindow[] | undefined;
    now: Date | undefined;
    overrideFreeze: boolean | undefined;
    /** What the refused requester may still do, e.g. `promote`. */
    action: string;
  },
  verdicts: VerdictSink,
): void {
  const { label, freezes = [] } = input;
  const freeze = findActiveFreeze(freezes, input.now ?? new Date());
  if (freeze) {
    const frozen = `${label} is frozen until ${describeFreezeEnd(
      freeze.until,
    )}: ${freeze.reason}`;
    if (input.overrideFreeze) {
      verdicts.pass(
        'target-is-not-frozen',
        `${frozen}; the requester overrides the freeze`,
      );
    } else {
      verdicts.fail(
        'target-is-not-frozen',
        `${frozen} (someone allowed to override freezes may still ${input.action})`,
        'conflict',
      );
    }
  } else if (freezes.length) {
    verdicts.pass(
      'target-is-not-frozen',
      `No freeze window of ${label} is in force`,
    );
  }
}
