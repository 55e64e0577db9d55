import { createHash } from 'node:crypto';

/** OCI media types the fixture uses. */
export const MEDIA_TYPES = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

/** An OCI content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Where a manifest is stored and what it says about itself. */
interface StoredManifest {
  mediaType: string;
  artifactType?: string;
  subject?: string;
  annotations?: Record<string, string>;
}

/** The serialized form of {@link RegistryContent} (`content.json`). */
export interface SerializedRegistryContent {
  /** Digest → base64 bytes of every blob and manifest. */
  blobs: Record<string, string>;
  repositories: Record<
    string,
    {
      manifests: Record<string, StoredManifest>;
      tags: Record<string, string>;
    }
  >;
}

/** `sha256:` + the hex SHA-256 of the bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * What a fixture registry holds: content-addressed blobs and manifests per repository,
 * tags, and (derived from manifests' `subject`) referrers.
 */
export class RegistryContent {
  private readonly blobs = new Map<string, Buffer>();
  private readonly repositories = new Map<
    string,
    { manifests: Map<string, StoredManifest>; tags: Map<string, string> }
  >();

  static fromJSON(json: SerializedRegistryContent): RegistryContent {
    const content = new RegistryContent();
    for (const [digest, base64] of Object.entries(json.blobs ?? {})) {
      content.blobs.set(digest, Buffer.from(base64, 'base64'));
    }
    for (const [name, repo] of Object.entries(json.repositories ?? {})) {
      const stored = content.repository(name);
      for (const [digest, manifest] of Object.entries(repo.manifests ?? {})) {
        stored.manifests.set(digest, manifest);
      }
      for (const [tag, digest] of Object.entries(repo.tags ?? {})) {
        stored.tags.set(tag, digest);
      }
    }
    return content;
  }

  toJSON(): SerializedRegistryContent {
    const repositories: SerializedRegistryContent['repositories'] = {};
    for (const [name, repo] of [...this.repositories].sort()) {
      repositories[name] = {
        manifests: Object.fromEntries(repo.manifests),
        tags: Object.fromEntries(repo.tags),
      };
    }
    return {
      blobs: Object.fromEntries(
        [...this.blobs].map(([digest, bytes]) => [
          digest,
          bytes.toString('base64'),
        ]),
      ),
      repositories,
    };
  }

  /** Stores a blob (layer or config) and returns its descriptor. */
  addBlob(bytes: Buffer, mediaType: string): Descriptor {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /**
   * Stores a manifest in a repository, optionally under a tag, and returns its
   * descriptor. `digest` overrides the content address: the demo's image digests are
   * made up, so an image manifest is stored under the digest the clusters show.
   */
  addManifest(
    repository: string,
    manifest: Record<string, unknown> | Buffer,
    options: { tag?: string; digest?: string } = {},
  ): Descriptor {
    const bytes = Buffer.isBuffer(manifest)
      ? manifest
      : Buffer.from(JSON.stringify(manifest));
    const parsed = Buffer.isBuffer(manifest)
      ? safeParse(manifest)
      : (manifest as Record<string, any>);
    const digest = options.digest ?? sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    const stored: StoredManifest = {
      mediaType: String(parsed?.mediaType ?? MEDIA_TYPES.manifest),
      ...(parsed?.artifactType
        ? { artifactType: String(parsed.artifactType) }
        : {}),
      ...(parsed?.subject?.digest
        ? { subject: String(parsed.subject.digest) }
        : {}),
      ...(parsed?.annotations ? { annotations: parsed.annotations } : {}),
    };
    const repo = this.repository(repository);
    repo.manifests.set(digest, stored);
    if (options.tag) repo.tags.set(options.tag, digest);
    return {
      mediaType: stored.mediaType,
      digest,
      size: bytes.length,
      ...(stored.artifactType ? { artifactType: stored.artifactType } : {}),
    };
  }

  hasRepository(repository: string): boolean {
    return this.repositories.has(repository);
  }

  /** A manifest by digest or tag. */
  manifest(
    repository: string,
    reference: string,
  ): { digest: string; mediaType: string; bytes: Buffer } | undefined {
    const repo = this.repositories.get(repository);
    if (!repo) return undefined;
    const digest = reference.startsWith('sha256:')
      ? reference
      : repo.tags.get(reference);
    const stored = digest ? repo.manifests.get(digest) : undefined;
    const bytes = digest ? this.blobs.get(digest) : undefined;
    if (!digest || !stored || !bytes) return undefined;
    return { digest, mediaType: stored.mediaType, bytes };
  }

  /** A blob by digest, when the repository exists. */
  blob(repository: string, digest: string): Buffer | undefined {
    return this.repositories.has(repository)
      ? this.blobs.get(digest)
      : undefined;
  }

  /** The OCI 1.1 referrers of a digest: every manifest whose `subject` names it. */
  referrers(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Descriptor[] {
    const repo = this.repositories.get(repository);
    if (!repo) return [];
    const result: Descriptor[] = [];
    for (const [manifestDigest, stored] of repo.manifests) {
      if (stored.subject !== digest) continue;
      if (artifactType && stored.artifactType !== artifactType) continue;
      result.push({
        mediaType: stored.mediaType,
        digest: manifestDigest,
        size: this.blobs.get(manifestDigest)?.length ?? 0,
        ...(stored.artifactType ? { artifactType: stored.artifactType } : {}),
        ...(stored.annotations ? { annotations: stored.annotations } : {}),
      });
    }
    return result;
  }

  private repository(name: string) {
    let repo = this.repositories.get(name);
    if (!repo) {
      repo = { manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repo);
    }
    return repo;
  }
}

function safeParse(bytes: Buffer): Record<string, any> | undefined {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}
