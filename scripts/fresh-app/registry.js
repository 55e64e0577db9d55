#!/usr/bin/env node
/*
 * A read-only npm registry for the packed tarballs of this repository, so that
 * the fresh app installs the suite exactly as a user does (`yarn add <name>`,
 * `npx <name>`) while everything else still comes from the real registry
 * (the app's .yarnrc.yml / .npmrc route only the @environment-ladder scope here).
 *
 * Usage: node registry.js <folder of .tgz files> <port>
 * Serves GET /<name> (packument) and GET /-/<file>.tgz on 127.0.0.1.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');

const [folder, port] = process.argv.slice(2);
if (!folder || !port) {
  process.stderr.write('Usage: node registry.js <folder> <port>\n');
  process.exit(2);
}

/** package/package.json out of a gzipped tarball (ustar, no dependency needed). */
function readManifest(file) {
  const tar = zlib.gunzipSync(fs.readFileSync(file));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .toString('utf8', offset, offset + 100)
      .replace(/\0.*$/s, '');
    const size = parseInt(
      tar.toString('utf8', offset + 124, offset + 136).trim() || '0',
      8,
    );
    if (!name) break;
    if (name === 'package/package.json') {
      return JSON.parse(
        tar.toString('utf8', offset + 512, offset + 512 + size),
      );
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${file} has no package/package.json`);
}

const packuments = new Map();
const files = new Map();
for (const file of fs.readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
  const full = path.join(folder, file);
  const manifest = readManifest(full);
  const data = fs.readFileSync(full);
  files.set(file, full);
  const packument = packuments.get(manifest.name) ?? {
    name: manifest.name,
    'dist-tags': {},
    versions: {},
    // Old enough for the app's npmMinimalAgeGate: these are the versions under test.
    time: { created: '2020-01-01T00:00:00.000Z' },
  };
  packument.versions[manifest.version] = {
    ...manifest,
    dist: {
      tarball: `http://127.0.0.1:${port}/-/${encodeURIComponent(file)}`,
      shasum: crypto.createHash('sha1').update(data).digest('hex'),
      integrity: `sha512-${crypto
        .createHash('sha512')
        .update(data)
        .digest('base64')}`,
    },
  };
  packument['dist-tags'].latest = manifest.version;
  packument.time[manifest.version] = '2020-01-01T00:00:00.000Z';
  packuments.set(manifest.name, packument);
}

http
  .createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (url.startsWith('/-/') && files.has(url.slice(3))) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(files.get(url.slice(3))).pipe(res);
      return;
    }
    const packument = packuments.get(url.slice(1));
    if (packument) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(packument));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  })
  .listen(Number(port), '127.0.0.1', () => {
    process.stdout.write(
      `registry: ${[...packuments.keys()].join(
        ', ',
      )} on http://127.0.0.1:${port}\n`,
    );
  });
