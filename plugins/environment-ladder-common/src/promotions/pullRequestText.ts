import { describeSigner } from '../signatures/describeSigner';
import type { DigestSignature } from '../signatures/types';
import { CI_SOURCE } from './checkPromotionRules';
import { isCanonicalDigest } from './isCanonicalDigest';
import { quoteValue } from './internal';
import type { RuleVerdict } from './types';

/**
 * The evidence a promotion pull request carries.
 *
 * @public
 */
export interface PullRequestTextInput {
  /** e.g. `component:default/shop`. */
  entityRef: string;
  /** A link back to the entity in Backstage; only http(s) URLs are used. */
  entityUrl?: string;
  sourceEnvironment: string;
  targetEnvironment: string;
  digest: string;
  /** Since when the source rung runs the digest (ISO 8601), if known. */
  since: string | null;
  /** The source rung's rollout state in words, e.g. `Healthy` or `Deployment available`. */
  rolloutState: string;
  verdicts: RuleVerdict[];
  reason: string;
  /** The requester's user entity ref. */
  requestedBy: string;
  /** The digest's signature verdict, when signatures are checked: the table records who signed. */
  signature?: DigestSignature | null;
  /**
   * `rollback`: the target rung goes back to a digest it ran before (the source is the
   * target itself); the branch, title and body say so. Default `promotion`.
   */
  kind?: 'promotion' | 'rollback';
  /** For a rollback: the digests the rung is pinned to now (see rungPins), which it rolls back from. */
  replacing?: string[];
}

const REF_SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The branch, title and markdown body of a promotion pull request.
 *
 * @remarks
 * Branch `environment-ladder/<entity-name>/<target>-<first 12 hex>`, with the entity's
 * namespace as an extra segment (`environment-ladder/<namespace>/<name>/…`) when it is not
 * `default`, so that two entities of the same name never share a branch. The branch is
 * deterministic, so a retried promotion finds its own pull request again. Free text
 * (reason, verdict messages) is escaped so it cannot inject markup or mention people.
 *
 * @public
 */
export function pullRequestText(input: PullRequestTextInput): {
  branch: string;
  title: string;
  body: string;
} {
  const { namespace, name } = parseRef(input.entityRef);
  if (!isCanonicalDigest(input.digest)) {
    throw new Error(
      `Refusing digest ${quoteValue(
        input.digest,
      )}: a digest must be sha256: followed by 64 lowercase hex characters`,
    );
  }
  for (const [what, value] of [
    ['entity name', name],
    ['entity namespace', namespace],
    ['target rung', input.targetEnvironment],
  ] as const) {
    if (
      !REF_SAFE.test(value) ||
      value.includes('..') ||
      value.endsWith('.lock')
    ) {
      throw new Error(
        `Cannot name a branch after the ${what} ${quoteValue(value)}`,
      );
    }
  }
  const hex12 = input.digest.slice('sha256:'.length, 'sha256:'.length + 12);
  const owner = namespace === 'default' ? name : `${namespace}/${name}`;
  const rollback = input.kind === 'rollback';
  // Its own branch: a rollback never reuses a promotion's pull request of the same digest.
  const branch = `environment-ladder/${owner}/${input.targetEnvironment}-${
    rollback ? 'rollback-' : ''
  }${hex12}`;
  const title = rollback
    ? `Roll back ${name} in ${input.targetEnvironment} to sha256:${hex12}`
    : `Promote ${name} to ${input.targetEnvironment}: sha256:${hex12}`;

  const entityUrl = safeUrl(input.entityUrl);
  const entity = entityUrl
    ? `[${escapeMarkdown(input.entityRef)}](${entityUrl})`
    : escapeMarkdown(input.entityRef);
  const since = input.since
    ? `, running it since ${escapeMarkdown(input.since)}`
    : '';
  const rules = input.verdicts.length
    ? input.verdicts
        .map(
          verdict =>
            `- ${verdict.passed ? '✅' : '❌'} **${escapeMarkdown(
              verdict.rule,
            )}**: ${escapeMarkdown(verdict.message)}`,
        )
        .join('\n')
    : '- (no rules were recorded)';
  const reason = input.reason.trim()
    ? input.reason
        .trim()
        .split(/\r?\n/)
        .map(line => `> ${escapeMarkdown(line)}`)
        .join('\n')
    : '> (no reason given)';

  if (rollback) {
    const target = escapeMarkdown(input.targetEnvironment);
    const replacing = input.replacing?.length
      ? input.replacing.map(digest => `\`${digest}\``).join(', ')
      : 'unknown';
    const body = [
      `## Roll back ${escapeMarkdown(name)} in ${target}`,
      '',
      `This pull request changes only the image digest of ${escapeMarkdown(
        name,
      )} in the ${target} manifest, back to a digest that ran in ${target} before (see the rule rollback-digest-ran-here below).`,
      '',
      '| | |',
      '| --- | --- |',
      `| Entity | ${entity} |`,
      `| Back to | \`${input.digest}\` |`,
      `| Rolls back | ${replacing} |`,
      `| Rung | ${target} |`,
      `| Requested by | ${escapeMarkdown(input.requestedBy)} |`,
      '',
      '### Reason',
      '',
      reason,
      '',
      '### Rules checked',
      '',
      rules,
      '',
      `---`,
      `Rollback opened by the Environment Ladder${
        entityUrl ? ` for [${escapeMarkdown(name)}](${entityUrl})` : ''
      }. Its ledger records it as a rollback and follows it until it runs verified in ${target}.`,
      '',
    ].join('\n');
    return { branch, title, body };
  }

  // A build from CI runs nowhere yet: there is no rung it comes from to describe.
  const fromCi = input.sourceEnvironment === CI_SOURCE;
  const body = [
    `## Promote ${escapeMarkdown(name)} to ${escapeMarkdown(
      input.targetEnvironment,
    )}`,
    '',
    `This pull request changes only the image digest of ${escapeMarkdown(
      name,
    )} in the ${escapeMarkdown(input.targetEnvironment)} manifest. ${
      fromCi
        ? 'CI built the digest; it enters the ladder here.'
        : `The same digest already runs in ${escapeMarkdown(
            input.sourceEnvironment,
          )}.`
    }`,
    '',
    '| | |',
    '| --- | --- |',
    `| Entity | ${entity} |`,
    `| Digest | \`${input.digest}\` |`,
    `| From | ${escapeMarkdown(input.sourceEnvironment)}${since} |`,
    ...(fromCi
      ? []
      : [
          `| Rollout in ${escapeMarkdown(
            input.sourceEnvironment,
          )} | ${escapeMarkdown(input.rolloutState)} |`,
        ]),
    `| To | ${escapeMarkdown(input.targetEnvironment)} |`,
    `| Requested by | ${escapeMarkdown(input.requestedBy)} |`,
    ...(input.signature
      ? [`| Signed by | ${describeSignature(input.signature)} |`]
      : []),
    '',
    '### Reason',
    '',
    reason,
    '',
    '### Rules checked',
    '',
    rules,
    '',
    `---`,
    `Opened by the Environment Ladder${
      entityUrl ? ` for [${escapeMarkdown(name)}](${entityUrl})` : ''
    }. Its ledger follows this promotion until it runs verified in ${escapeMarkdown(
      input.targetEnvironment,
    )}.`,
    '',
  ].join('\n');
  return { branch, title, body };
}

function describeSignature(signature: DigestSignature): string {
  if (signature.status === 'signed' && signature.signer) {
    const how =
      signature.format === 'sigstore-bundle'
        ? 'Sigstore bundle'
        : 'cosign signature';
    return `${escapeMarkdown(
      describeSigner(signature.signer),
    )} (${how}, checked ${escapeMarkdown(signature.checkedAt)})`;
  }
  return `nobody: ${escapeMarkdown(signature.summary)}`;
}

function parseRef(ref: string): { namespace: string; name: string } {
  const match = /^(?:[^:/]+:)?(?:([^:/]+)\/)?([^:/]+)$/.exec(
    typeof ref === 'string' ? ref : '',
  );
  if (!match) {
    throw new Error(
      `Cannot read the entity reference ${quoteValue(
        ref,
      )}; expected kind:namespace/name`,
    );
  }
  return { namespace: match[1] ?? 'default', name: match[2] };
}

function safeUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      return null;
    // Parentheses and spaces would end the markdown link early.
    return parsed.href.replace(/[()\s]/g, c => encodeURIComponent(c));
  } catch {
    return null;
  }
}

/** Escapes markdown and HTML punctuation; `@` gets a zero-width space so nobody is mentioned. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()<>#+!|~]/g, c => `\\${c}`)
    .replace(/@/g, '@\u200b');
}
