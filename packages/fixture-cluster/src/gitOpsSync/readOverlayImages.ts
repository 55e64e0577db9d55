import { parse } from 'yaml';

/** One `images:` entry of a kustomization, and the image it makes the workloads run. */
export interface OverlayImage {
  /** The image name kustomize matches in the base. */
  name: string;
  /** The repository the rendered workloads name: `newName`, else `name`. */
  repository: string;
  /** The pinned digest, when the entry pins one. */
  digest?: string;
  newTag?: string;
  /** What the rung is pinned to: the digest, else `tag:<newTag>`. */
  pin: string;
}

/** A kustomization's namespace and image entries. */
export interface OverlayImages {
  namespace?: string;
  images: OverlayImage[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Reads a kustomization file's `namespace` and `images` entries (kustomize's
 * images transformer: `name`, `newName`, `newTag`, `digest`; a digest wins over
 * a tag, as kustomize renders `repository@digest`). Throws on text that is not
 * a YAML mapping.
 */
export function readOverlayImages(text: string): OverlayImages {
  const parsed = parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('a kustomization must be a YAML mapping');
  }
  const { namespace, images } = parsed as {
    namespace?: unknown;
    images?: unknown;
  };
  const entries = Array.isArray(images) ? images : [];
  return {
    ...(typeof namespace === 'string' && namespace ? { namespace } : {}),
    images: entries.flatMap((entry): OverlayImage[] => {
      const name = entry?.name;
      if (typeof name !== 'string' || !name) return [];
      const repository =
        typeof entry.newName === 'string' && entry.newName
          ? entry.newName
          : name;
      const digest =
        typeof entry.digest === 'string' && DIGEST.test(entry.digest)
          ? entry.digest
          : undefined;
      const newTag =
        entry.newTag === undefined || entry.newTag === null
          ? undefined
          : String(entry.newTag);
      return [
        {
          name,
          repository,
          ...(digest ? { digest } : {}),
          ...(newTag !== undefined ? { newTag } : {}),
          pin: digest ?? `tag:${newTag ?? ''}`,
        },
      ];
    }),
  };
}
