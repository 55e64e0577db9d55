#!/usr/bin/env node
/*
 * The fresh app's test configuration: the demo's Kubernetes clusters and
 * ladder (from this repository's app-config.yaml, cluster ports shifted like
 * `fixture-cluster --port-offset`), its example services, and a backend on its
 * own port that serves the built app. Written to app-config.local.yaml, except
 * the catalog locations, which are appended to app-config.yaml's (a later
 * config file would replace the list, and with it the README's template).
 *
 * Usage: node app-config.js <repository> <app> <backend port> <cluster port offset>
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const [root, app, port, offset] = process.argv.slice(2);
const demo = YAML.parse(
  fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
);
const base = `http://localhost:${port}`;

const kubernetes = structuredClone(demo.kubernetes);
for (const method of kubernetes.clusterLocatorMethods) {
  for (const cluster of method.clusters ?? []) {
    const url = new URL(cluster.url);
    url.port = String(Number(url.port) + Number(offset));
    cluster.url = url.origin;
  }
}
// Promotions need a GitOps repository, signature checks the demo's registry
// (and key files beside the demo's config); this check reads ladders only.
const { gitops, signatures, ...environmentLadder } = demo.environmentLadder;

const local = {
  app: { baseUrl: base },
  backend: {
    baseUrl: base,
    listen: { port: Number(port) },
    cors: { origin: base },
  },
  kubernetes,
  environmentLadder,
};
fs.writeFileSync(
  path.join(app, 'app-config.local.yaml'),
  YAML.stringify(local),
);

const configPath = path.join(app, 'app-config.yaml');
const config = YAML.parse(fs.readFileSync(configPath, 'utf8'));
config.catalog.locations.push(
  { type: 'file', target: path.join(root, 'examples/entities.yaml') },
  {
    type: 'file',
    target: path.join(root, 'examples/org.yaml'),
    rules: [{ allow: ['User', 'Group'] }],
  },
);
fs.writeFileSync(configPath, YAML.stringify(config));
console.log(
  `app-config.local.yaml: backend and app on ${base}, clusters +${offset}`,
);
