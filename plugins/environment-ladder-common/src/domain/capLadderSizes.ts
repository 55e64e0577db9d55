import type { LadderRung, LadderViolation } from '../types';

/** Longest string a ladder carries; image references are far shorter (registries allow 255 for a name). */
export const MAX_LADDER_STRING_LENGTH = 2048;
/** Most entries any list of a rung carries (workloads, pods, digests, previews …). */
export const MAX_LADDER_LIST_LENGTH = 500;

/**
 * A rung no larger than what a view needs, whatever its clusters served: strings longer than
 * {@link MAX_LADDER_STRING_LENGTH} are cut (ending in `…`), lists longer than
 * {@link MAX_LADDER_LIST_LENGTH} keep their first entries, and a warning violation says what was
 * cut. Cluster objects are untrusted: without this, one 1 MB image name made a 3 MB ladder.
 */
export function capLadderSizes(rung: LadderRung): LadderRung {
  let strings = 0;
  let longest = 0;
  const lists: string[] = [];
  const cap = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      if (value.length <= MAX_LADDER_STRING_LENGTH) return value;
      strings++;
      longest = Math.max(longest, value.length);
      return `${value.slice(0, MAX_LADDER_STRING_LENGTH - 1)}…`;
    }
    if (Array.isArray(value)) {
      if (value.length > MAX_LADDER_LIST_LENGTH) {
        lists.push(`${path} (${value.length} entries)`);
      }
      return value
        .slice(0, MAX_LADDER_LIST_LENGTH)
        .map((item, index) => cap(item, `${path}[${index}]`));
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          cap(item, path ? `${path}.${key}` : key),
        ]),
      );
    }
    return value;
  };
  const capped = cap(rung, '') as LadderRung;
  if (strings === 0 && lists.length === 0) return rung;
  const cut = [
    ...(strings
      ? [
          `${strings} value${
            strings === 1 ? '' : 's'
          } longer than ${MAX_LADDER_STRING_LENGTH} characters (the longest ${longest}) shortened`,
        ]
      : []),
    ...(lists.length
      ? [
          `${
            lists.length === 1 ? 'a list' : `${lists.length} lists`
          } cut to the first ${MAX_LADDER_LIST_LENGTH} entries: ${lists
            .slice(0, 5)
            .join(', ')}${lists.length > 5 ? ', …' : ''}`,
        ]
      : []),
  ];
  const warning: LadderViolation = {
    rule: 'object-too-large',
    severity: 'warning',
    rung: rung.name,
    message: `What ${
      rung.title || rung.name
    }'s clusters served was too large to show whole: ${cut.join('; ')}.`,
  };
  return { ...capped, violations: [...capped.violations, warning] };
}
