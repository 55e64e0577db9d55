/** One line of a line-by-line comparison: kept (' '), added ('+') or removed ('-'). */
export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

// Above this many cells the comparison gives up and reports a whole-file rewrite.
const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  if (text === '') return [];
  const split = text.split('\n');
  if (split[split.length - 1] === '') split.pop();
  return split;
}

/** Compares two texts line by line (longest common subsequence). */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map(text => ({ op: '-' as const, text })),
      ...b.map(text => ({ op: '+' as const, text })),
    ];
  }
  // lengths[i][j]: longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from(
    { length: a.length + 1 },
    () => new Uint32Array(b.length + 1),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i][j] =
        a[i] === b[j]
          ? lengths[i + 1][j + 1] + 1
          : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
    }
  }
  const result: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (lengths[i + 1][j] >= lengths[i][j + 1]) {
      result.push({ op: '-', text: a[i++] });
    } else {
      result.push({ op: '+', text: b[j++] });
    }
  }
  while (i < a.length) result.push({ op: '-', text: a[i++] });
  while (j < b.length) result.push({ op: '+', text: b[j++] });
  return result;
}

/** How many lines a change adds and removes. */
export function countChanges(before: string, after: string) {
  let additions = 0;
  let deletions = 0;
  for (const line of lineDiff(before, after)) {
    if (line.op === '+') additions++;
    if (line.op === '-') deletions++;
  }
  return { additions, deletions };
}
