import { shortDigest } from '../domain/shortDigest';
import { rungLabel } from '../promotions/internal';
import type { LadderRung, LadderViolation } from '../types';
import type { DigestSignature } from './types';

/**
 * The broken signature rule of a rung, one sentence per digest: `digest-not-signed`.
 *
 * @remarks
 * A rung whose requirement is `required` runs an unsigned digest, or one whose signature
 * does not verify: an error. The same under `warn`: a warning. A digest that could not be
 * checked (registry down or rate-limited) is a warning under `required` (not proven bad,
 * but not proven good either) and nothing under `warn`. `off`, or a rung without
 * verdicts, breaks nothing. A preview's digest is named with its pull request.
 *
 * @public
 */
export function findSignatureViolations(
  rung: Pick<LadderRung, 'name' | 'title' | 'signatures' | 'previews'>,
): LadderViolation[] {
  const signatures = rung.signatures;
  if (!signatures || signatures.requirement === 'off') return [];
  const label = rungLabel(rung);
  const required = signatures.requirement === 'required';
  const violations: LadderViolation[] = [];
  for (const verdict of signatures.digests) {
    const where = describeWhere(rung, verdict);
    const reason = verdict.reason ?? '';
    if (verdict.status === 'unsigned' || verdict.status === 'invalid') {
      const what =
        verdict.status === 'unsigned'
          ? 'is not signed'
          : `has a signature that does not verify${
              reason ? ` (${withoutStop(reason)})` : ''
            }`;
      violations.push({
        rule: 'digest-not-signed',
        severity: required ? 'error' : 'warning',
        rung: rung.name,
        message: `${label} ${
          required ? 'requires' : 'expects'
        } signed digests, but ${shortDigest(
          verdict.digest,
        )}${where} ${what}: nothing proves CI built it.`,
      });
    } else if (verdict.status === 'unavailable' && required) {
      violations.push({
        rule: 'digest-not-signed',
        severity: 'warning',
        rung: rung.name,
        message: `${label} requires signed digests, but the signature of ${shortDigest(
          verdict.digest,
        )}${where} could not be checked (${withoutStop(
          verdict.reason ?? verdict.summary,
        )}); it is checked again shortly.`,
      });
    }
  }
  return violations;
}

function describeWhere(
  rung: Pick<LadderRung, 'previews'>,
  verdict: DigestSignature,
): string {
  const previews = (rung.previews ?? []).filter(
    preview => preview.digest === verdict.digest && preview.prNumber !== null,
  );
  return previews.length
    ? ` (preview of ${previews.map(p => `PR #${p.prNumber}`).join(', ')})`
    : '';
}

function withoutStop(text: string): string {
  return text.replace(/[.\s]+$/, '');
}
