#!/usr/bin/env node
/*
 * Applies the install steps of a README to an app, so that CI tests the README
 * itself. A step is a fenced code block preceded by a marker comment:
 *
 *   <!-- fresh-app: run -->                          run each line with bash in the app
 *   <!-- fresh-app: insert FILE before "TEXT" -->    insert the block before the line with TEXT
 *                                                    (a first line `// FILE` is the block's title)
 *   <!-- fresh-app: merge FILE -->                   deep-merge the YAML block into FILE
 *                                                    (lists are appended to)
 *
 * Usage: node apply-readme.js <README.md> <app folder>
 * Run from the repository (it uses the repository's `yaml`).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const [readmePath, appDir] = process.argv.slice(2);
if (!readmePath || !appDir) {
  process.stderr.write(
    'Usage: node apply-readme.js <README.md> <app folder>\n',
  );
  process.exit(2);
}

/** Every marked step, in order: { marker, lang, code }. */
function readSteps(markdown) {
  const steps = [];
  const pattern =
    /<!--\s*fresh-app:\s*(.*?)\s*-->\s*\n\s*```(\w*)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) {
    steps.push({ marker: match[1], lang: match[2], code: match[3] });
  }
  return steps;
}

function merge(target, source) {
  if (Array.isArray(target) && Array.isArray(source)) {
    return [...target, ...source];
  }
  if (
    target &&
    source &&
    typeof target === 'object' &&
    typeof source === 'object'
  ) {
    const out = { ...target };
    for (const [key, value] of Object.entries(source)) {
      out[key] =
        key in out && out[key] !== null ? merge(out[key], value) : value;
    }
    return out;
  }
  return source;
}

const steps = readSteps(fs.readFileSync(readmePath, 'utf8'));
if (steps.length === 0) {
  throw new Error(`${readmePath} has no steps marked <!-- fresh-app: ... -->`);
}
for (const { marker, code } of steps) {
  process.stdout.write(`\n--- README step: ${marker}\n${code}\n`);
  let match;
  if (marker === 'run') {
    for (const line of code.split('\n')) {
      if (!line.trim() || line.trim().startsWith('#')) continue;
      execFileSync('bash', ['-c', line], { cwd: appDir, stdio: 'inherit' });
    }
  } else if ((match = /^insert (\S+) before "(.*)"$/.exec(marker))) {
    const [, file, anchor] = match;
    const target = path.join(appDir, file);
    const lines = code.split('\n');
    if (lines[0].trim() === `// ${file}`) lines.shift();
    const text = fs.readFileSync(target, 'utf8');
    const at = text.indexOf(anchor);
    if (at < 0) throw new Error(`${file} has no line with ${anchor}`);
    const lineStart = text.lastIndexOf('\n', at) + 1;
    fs.writeFileSync(
      target,
      `${text.slice(0, lineStart)}${lines.join('\n')}\n\n${text.slice(
        lineStart,
      )}`,
    );
  } else if ((match = /^merge (\S+)$/.exec(marker))) {
    const target = path.join(appDir, match[1]);
    const merged = merge(
      YAML.parse(fs.readFileSync(target, 'utf8')) ?? {},
      YAML.parse(code),
    );
    fs.writeFileSync(target, YAML.stringify(merged));
  } else {
    throw new Error(`Unknown README step: ${marker}`);
  }
}
process.stdout.write(`\napplied ${steps.length} README steps\n`);
