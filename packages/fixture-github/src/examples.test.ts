import { updateImageDigest } from '@environment-ladder/plugin-environment-ladder-common';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadRepositories } from './loadRepositories';

// The demo's GitOps repository must say what the demo's clusters run:
// examples/clusters/expected.json is the answer key for both.
const EXAMPLES = path.resolve(__dirname, '../../../examples');
const REPO = path.join(EXAMPLES, 'gitops/acme/gitops');
const expected = JSON.parse(
  fs.readFileSync(path.join(EXAMPLES, 'clusters/expected.json'), 'utf8'),
);
const SERVICES = ['checkout', 'payments', 'inventory'];
const RUNGS = ['dev', 'staging', 'prod'];
const NEW_DIGEST = `sha256:${'0'.repeat(64)}`;

function read(file: string) {
  return fs.readFileSync(path.join(REPO, file), 'utf8');
}

function changedLines(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  return {
    removed: a.filter(line => !b.includes(line)),
    added: b.filter(line => !a.includes(line)),
  };
}

describe('examples/gitops', () => {
  it('is one repository, acme/gitops, for the fixture', () => {
    const seeds = loadRepositories(path.join(EXAMPLES, 'gitops'));
    expect(seeds.map(s => `${s.owner}/${s.name}`)).toEqual(['acme/gitops']);
    const files = [...seeds[0].files.keys()];
    for (const service of SERVICES) {
      expect(files).toContain(`apps/${service}/base/kustomization.yaml`);
      for (const rung of RUNGS) {
        expect(files).toContain(
          `apps/${service}/overlays/${rung}/kustomization.yaml`,
        );
      }
    }
  });

  describe.each(SERVICES)('%s', service => {
    it.each(RUNGS)('pins in %s what that rung’s workload spec runs', rung => {
      const { specImage, specPinnedByDigest } = expected[service][rung];
      const kustomization = parse(
        read(`apps/${service}/overlays/${rung}/kustomization.yaml`),
      );
      const entries = kustomization.images.filter(
        (image: { name: string }) => image.name === `ghcr.io/acme/${service}`,
      );
      // inventory in dev runs a tag instead of a digest, as the story has it.
      const pin = specPinnedByDigest
        ? { digest: specImage.split('@')[1] }
        : { newTag: specImage.split(':').pop() };
      expect(entries).toEqual([{ name: `ghcr.io/acme/${service}`, ...pin }]);
    });

    it.each(RUNGS)('lets a promotion into %s change only the digest', rung => {
      const file = `apps/${service}/overlays/${rung}/kustomization.yaml`;
      const before = read(file);
      const { text, previous } = updateImageDigest(before, {
        format: 'kustomize',
        image: `ghcr.io/acme/${service}`,
        digest: NEW_DIGEST,
      });
      // Replaced where a digest is pinned, added next to the tag where none is.
      expect(changedLines(before, text)).toEqual({
        removed: previous ? [`    digest: ${previous}`] : [],
        added: [`    digest: ${NEW_DIGEST}`],
      });
    });
  });

  it.each(RUNGS)(
    'has payments Helm values for %s naming the overlay’s digest',
    rung => {
      const file = `apps/payments/values-${rung}.yaml`;
      const before = read(file);
      const values = parse(before);
      expect(values.image.repository).toBe('ghcr.io/acme/payments');
      expect(values.image.digest).toBe(
        expected.payments[rung].specImage.split('@')[1],
      );
      const { text } = updateImageDigest(before, {
        format: 'yamlPath',
        path: 'image.digest',
        digest: NEW_DIGEST,
      });
      expect(changedLines(before, text)).toEqual({
        removed: [`  digest: '${values.image.digest}'`],
        added: [`  digest: '${NEW_DIGEST}'`],
      });
    },
  );

  it('labels every workload with its Backstage id, in base and prod Rollouts', () => {
    for (const service of SERVICES) {
      const base = parse(read(`apps/${service}/base/kustomization.yaml`));
      expect(base.labels[0].pairs['backstage.io/kubernetes-id']).toBe(service);
    }
    for (const service of ['checkout', 'payments']) {
      const rollout = parse(read(`apps/${service}/overlays/prod/rollout.yaml`));
      expect(rollout.kind).toBe('Rollout');
      expect(rollout.spec.template.metadata.labels).toMatchObject({
        'backstage.io/kubernetes-id': service,
      });
      expect(expected[service].prod.workload).toEqual({
        kind: 'Rollout',
        name: service,
      });
    }
  });
});
