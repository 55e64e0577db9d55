import type { KeyObject } from 'node:crypto';
import { RegistryContent, MEDIA_TYPES } from './RegistryContent';
import { attachBundle, createMockSigstore, signWithKey } from './signing';

/** The keyless identity of the demo's CI: GitHub Actions' issuer and a release workflow. */
export const DEMO_ISSUER = 'https://token.actions.githubusercontent.com';
/** The release workflow of a demo service, as a Fulcio certificate names it. */
export function demoWorkflow(service: string): string {
  return `https://github.com/acme/${service}/.github/workflows/release.yml@refs/heads/main`;
}

/** How one demo digest is signed (see examples/registry/README.md). */
export interface DemoSignature {
  service: string;
  release: string;
  digest: string;
  how: 'key' | 'untrusted-key' | 'keyless' | 'unsigned';
}

/** The demo's digests (examples/clusters/STORIES.md) and how each is signed. */
export const DEMO_SIGNATURES: DemoSignature[] = [
  {
    service: 'checkout',
    release: '1.3.2',
    digest:
      'sha256:255e4ad6488cf36e8897cbec6097cb320affe1afff0399c88398ba49e87cea44',
    how: 'key',
  },
  {
    service: 'checkout',
    release: '1.4.0',
    digest:
      'sha256:1f04c1cf8c648ef4a03c3da4077550b138fe05e0b2bd15a9b610730e57734fca',
    how: 'keyless',
  },
  {
    service: 'checkout',
    release: '1.5.0',
    digest:
      'sha256:867d848fca6fc5b214b1a7d033720452b95b422764aecf313e828e19ca45ed2a',
    how: 'key',
  },
  {
    service: 'checkout',
    release: 'PR #112',
    digest:
      'sha256:7a1ffd60eb53af007e3476e906817874abdf50e52e74546bf9a73f0f53ce8bda',
    how: 'keyless',
  },
  {
    service: 'payments',
    release: '2.0.3',
    digest:
      'sha256:5a3b295b01543c91792881ffaeacd494c055ace32fb327afbf72534c8431cb93',
    how: 'key',
  },
  {
    service: 'payments',
    release: '2.1.0',
    digest:
      'sha256:a6a6516390c17f76bd8f41cfcc281789f1c7f337c1f8b51ab29d652f745f16e2',
    how: 'key',
  },
  {
    service: 'inventory',
    release: '3.2.0',
    digest:
      'sha256:d545b05ec00f59561b9defad331c071959a4c92eef5ef8e37bc81c3aef353a48',
    how: 'key',
  },
  {
    service: 'inventory',
    release: '3.3.0',
    digest:
      'sha256:1eaec7fbd0fa8422843da404049bbe1ad17b13b63481716efb5dab75b2cef5cc',
    how: 'key',
  },
  {
    service: 'inventory',
    release: '3.4.0',
    digest:
      'sha256:c79fe132b7882cba2ef0b51bc8b28978dda87ba9c6faa5fa22642cfcc19d94f9',
    how: 'untrusted-key',
  },
  {
    service: 'inventory',
    release: '3.3.0 rebuilt',
    digest:
      'sha256:d248f6d756cc41f153ab03a60752fe49a4fbbf2b97953c9bfed0ac8715e066d6',
    how: 'unsigned',
  },
  {
    service: 'inventory',
    release: 'PR #41',
    digest:
      'sha256:bf7682f498f3029b6baff323c38a733c117034cb35a3b015ca82189d028d9980',
    how: 'keyless',
  },
  {
    service: 'inventory',
    release: 'PR #38',
    digest:
      'sha256:53ea1eec44c5d491aed9d78f672573e256a6f1aea250fcaeb72788d4932b9973',
    how: 'unsigned',
  },
];

/**
 * Builds the demo registry: a placeholder image manifest per digest and, per
 * {@link DEMO_SIGNATURES}, a real cosign signature (`.sig` tag) made with the demo key
 * or the untrusted key, or a real keyless Sigstore bundle (mock Fulcio and Rekor)
 * attached as a referrer. Returns the content and the trusted root that verifies it.
 */
export async function generateDemoContent(keys: {
  trusted: KeyObject;
  untrusted: KeyObject;
}): Promise<{
  content: RegistryContent;
  trustedRoot: Record<string, unknown>;
}> {
  const content = new RegistryContent();
  const sigstore = await createMockSigstore();
  try {
    for (const entry of DEMO_SIGNATURES) {
      const path = `acme/${entry.service}`;
      const repository = `ghcr.io/${path}`;
      // The clusters' digests are made up, so the image manifest is a placeholder
      // stored under the digest the clusters show (not its content address).
      content.addManifest(
        path,
        {
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.manifest,
          config: content.addBlob(Buffer.from('{}'), MEDIA_TYPES.config),
          layers: [],
          annotations: {
            'org.opencontainers.image.version': entry.release,
            'org.opencontainers.image.description':
              'Placeholder: the demo digest is made up (examples/clusters/STORIES.md)',
          },
        },
        { digest: entry.digest },
      );
      if (entry.how === 'key' || entry.how === 'untrusted-key') {
        signWithKey(content, {
          repository,
          digest: entry.digest,
          privateKey: entry.how === 'key' ? keys.trusted : keys.untrusted,
        });
      } else if (entry.how === 'keyless') {
        const bundle = await sigstore.signKeyless({
          repository,
          digest: entry.digest,
          issuer: DEMO_ISSUER,
          subject: demoWorkflow(entry.service),
        });
        attachBundle(content, {
          repository: path,
          digest: entry.digest,
          bundle,
        });
      }
    }
    return { content, trustedRoot: sigstore.trustedRoot };
  } finally {
    await sigstore.close();
  }
}
