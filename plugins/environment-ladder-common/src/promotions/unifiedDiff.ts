/**
 * A unified diff (`--- a/path`, `+++ b/path`, one hunk) of two versions of a file; empty when equal.
 *
 * @remarks
 * Made for promotion edits, which change one place of a file: the hunk spans everything
 * between the first and the last differing line, with `context` lines around it.
 *
 * @public
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: { path: string; context?: number },
): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const start = Math.max(0, prefix - context);
  const tail = Math.min(suffix, context);
  const aEnd = a.length - suffix + tail;
  const bEnd = b.length - suffix + tail;
  const lines = [
    ...a.slice(start, prefix).map(line => ` ${line}`),
    ...a.slice(prefix, a.length - suffix).map(line => `-${line}`),
    ...b.slice(prefix, b.length - suffix).map(line => `+${line}`),
    ...a.slice(a.length - suffix, aEnd).map(line => ` ${line}`),
  ];
  const range = (from: number, count: number) =>
    `${count === 0 ? from : from + 1},${count}`;
  return [
    `--- a/${options.path}`,
    `+++ b/${options.path}`,
    `@@ -${range(start, aEnd - start)} +${range(start, bEnd - start)} @@`,
    ...lines,
    '',
  ].join('\n');
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
