/** One requirement of a Kubernetes label selector. */
type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: '!exists' };

/** Splits at commas that are not inside `( )`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms.map(t => t.trim()).filter(Boolean);
}

/**
 * Parses a label selector the way the API server does (equality and set
 * based), so that the model selects in memory exactly what a list with that
 * selector would return. Throws on a selector it cannot read.
 */
export function parseLabelSelector(selector: string): Requirement[] {
  return splitTerms(selector).map(term => {
    let match = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^()]*)\)$/.exec(term);
    if (match) {
      return {
        key: match[1],
        op: match[2] as 'in' | 'notin',
        values: match[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      };
    }
    match = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    if (match) {
      return {
        key: match[1],
        op: match[2] === '!=' ? 'notin' : 'in',
        values: [match[3]],
      };
    }
    match = /^(!?)\s*([^\s!=(),]+)$/.exec(term);
    if (match) {
      return { key: match[2], op: match[1] ? '!exists' : 'exists' };
    }
    throw new Error(`cannot read the label selector term '${term}'`);
  });
}

/** Whether labels satisfy every requirement. */
export function matchesLabelSelector(
  requirements: Requirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return requirements.every(requirement => {
    const value = labels?.[requirement.key];
    switch (requirement.op) {
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
      case 'exists':
        return value !== undefined;
      default:
        return value === undefined;
    }
  });
}
