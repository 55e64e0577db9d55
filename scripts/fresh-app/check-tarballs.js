#!/usr/bin/env node
/*
 * Checks packed tarballs as a registry would serve them: only built entry
 * points (dist/), no TypeScript sources, no workspace: ranges, and every
 * entry point, type and bin the package.json names is in the tarball.
 *
 * Usage: node check-tarballs.js <folder of .tgz files>
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const folder = process.argv[2];
const problems = [];
for (const file of fs.readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const tarball = path.join(folder, file);
  const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(entry => entry.replace(/^package\//, ''));
  const manifest = JSON.parse(
    execFileSync('tar', ['xzOf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const say = message => problems.push(`${manifest.name}: ${message}`);
  for (const entry of entries) {
    if (
      entry.startsWith('src/') ||
      (/\.tsx?$/.test(entry) &&
        !entry.endsWith('.d.ts') &&
        entry !== 'config.d.ts')
    ) {
      say(`ships a source file: ${entry}`);
    }
  }
  const text = JSON.stringify(manifest);
  if (text.includes('workspace:')) say('has a workspace: range');
  const targets = [];
  // The `backstage` condition of an export is Backstage's marker of what it
  // exports (e.g. @backstage/FrontendPlugin), not a file.
  const collect = value => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object')
      Object.entries(value)
        .filter(([key]) => key !== 'backstage')
        .forEach(([, v]) => collect(v));
  };
  collect([manifest.main, manifest.module, manifest.types, manifest.exports]);
  for (const target of targets.filter(Boolean)) {
    const normalized = target.replace(/^\.\//, '');
    if (normalized === 'package.json') continue;
    if (!normalized.startsWith('dist/'))
      say(`entry point outside dist/: ${target}`);
    if (!entries.includes(normalized))
      say(`entry point not in the tarball: ${target}`);
  }
  for (const bin of Object.values(
    typeof manifest.bin === 'string'
      ? { [manifest.name]: manifest.bin }
      : manifest.bin ?? {},
  )) {
    if (!entries.includes(bin.replace(/^\.\//, '')))
      say(`bin not in the tarball: ${bin}`);
  }
  for (const listed of manifest.files ?? []) {
    const prefix = listed.replace(/\/?\*.*$/, '');
    if (
      !entries.some(entry => entry === prefix || entry.startsWith(`${prefix}/`))
    ) {
      say(`"files" names ${listed}, which is not in the tarball`);
    }
  }
  console.log(
    `${file}: ${entries.length} files, entry points ${[
      ...new Set(targets),
    ].join(', ')}`,
  );
}
if (problems.length) {
  console.error(problems.map(p => `tarball problem: ${p}`).join('\n'));
  process.exit(1);
}
console.log('ok: every tarball ships only built entry points');
