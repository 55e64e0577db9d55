import { asCount } from './asCount';
import type { ObjectMeta } from './readObjectMeta';

const REVISION_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  'rollout.argoproj.io/revision',
];
const HISTORY_ANNOTATIONS = [
  'deployment.kubernetes.io/revision-history',
  'rollout.argoproj.io/revision-history',
];

/**
 * The revision of a Deployment, Rollout or ReplicaSet, and for a ReplicaSet the first
 * revision its pod template rolled out at: a rollback re-labels the old ReplicaSet with a
 * new revision and keeps the earlier ones in `revision-history`.
 */
export function readRevision(meta: ObjectMeta): {
  revision: number | null;
  firstRevision: number | null;
} {
  let revision: number | null = null;
  for (const key of REVISION_ANNOTATIONS) {
    revision ??= asCount(meta.annotations.get(key));
  }
  let firstRevision = revision;
  for (const key of HISTORY_ANNOTATIONS) {
    const history = meta.annotations.get(key);
    if (!history || history.length > 4096) {
      continue;
    }
    for (const part of history.split(',')) {
      const earlier = asCount(part.trim());
      if (
        earlier !== null &&
        (firstRevision === null || earlier < firstRevision)
      ) {
        firstRevision = earlier;
      }
    }
  }
  return { revision, firstRevision };
}
