/** Replaces every full `sha256:` digest in a sentence by its first 12 hex characters and an ellipsis. */
export function shortenDigests(text: string): string {
  return text.replace(/sha256:([0-9a-f]{12})[0-9a-f]{52}/g, 'sha256:$1…');
}

const RULE_TITLES: Record<string, string> = {
  'tag-not-digest': 'runs a tag, not a digest',
  'digest-not-from-rung-below':
    'runs a digest that never ran in the rung below',
  'mixed-digests': 'pods run different digests',
  'rollout-degraded': 'rollout degraded',
  'scale-mismatch': 'scale differs from the declared',
  'endpoint-mismatch': 'endpoints differ from the declared',
  'preview-outlived-pr': 'a preview outlived its pull request',
  'preview-uses-production-values': 'a preview uses production values',
};

/** A broken rule's name in a few words, for the summary above the ladder. */
export function ruleTitle(rule: string): string {
  return RULE_TITLES[rule] ?? rule;
}
