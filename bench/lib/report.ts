/*
 * The run's figures as one table (each measure with its target and whether it
 * is met) and as JSON; Markdown formatted as the repository's Prettier would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from './processes';

export const fmtMs = (ms: number) =>
  !Number.isFinite(ms)
    ? 'n/a'
    : ms >= 100
    ? ms.toFixed(0)
    : ms >= 10
    ? ms.toFixed(1)
    : ms.toFixed(2);
export const fmtInt = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
export const fmtMB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
export const plural = (n: number, word: string) =>
  `${n} ${word}${n === 1 ? '' : 's'}`;
const yesNo = (met: boolean | null) =>
  met === null ? 'n/a' : met ? '**met**' : '**not met**';

export interface Row {
  measure: string;
  /** What the model-backed ladder (or the page) does. */
  got: string;
  /** The comparison, side by side: the floor, the Kubernetes plugin. */
  against: string;
  target: string;
  met: boolean | null;
}

export function renderTable(r: {
  header: string;
  rows: Row[];
  notes: string[];
  quick: boolean;
}): string {
  const escape = (s: string) => s.replaceAll('|', '\\|');
  return [
    r.header,
    '',
    '| measure | got | side by side | target | met |',
    '| --- | --- | --- | --- | --- |',
    ...r.rows.map(
      row =>
        `| ${escape(row.measure)} | ${escape(row.got)} | ${escape(
          row.against,
        )} | ${escape(row.target)} | ${yesNo(row.met)} |`,
    ),
    ...(r.notes.length ? ['', ...r.notes.map(n => `- ${n}`)] : []),
    '',
    r.quick
      ? 'Quick mode (CI): seconds of load and fewer services; the figures show the bench works, not how fast the suite is. Targets are printed, not enforced.'
      : 'One noisy shared machine, one run, load generator on the same cores: compare the columns of one run, not runs with each other.',
    '',
  ].join('\n');
}

/** Writes a file as the repository's Prettier would (so `yarn prettier --check` stays clean). */
export async function writeFormatted(
  file: string,
  text: string,
): Promise<string> {
  let output = text.endsWith('\n') ? text : `${text}\n`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const prettier = require('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    output = await prettier.format(output, { ...config, filepath: file });
  } catch (error) {
    log(
      `prettier could not format ${path.basename(file)}: ${
        (error as Error).message
      }`,
    );
  }
  fs.writeFileSync(file, output);
  return output;
}
