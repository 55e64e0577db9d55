import type { Digest } from '../../types';
import { parseImageDigest } from '../parseImageDigest';
import { asArray } from './asArray';
import { asString } from './asString';
import { field } from './field';
import { pickServiceContainer } from './pickServiceContainer';

/** What a pod's service container runs. */
interface PodServiceImage {
  image: string;
  digest: Digest | null;
  ready: boolean;
  /** Original ISO 8601 text and its time, for ordering. */
  since: { text: string; time: number } | null;
}

/**
 * Reads the service container of a running pod; null for pods that ended (Succeeded,
 * Failed), are being deleted, or have no service container.
 */
export function readPodServiceImage(
  pod: unknown,
  workloadName: string | null,
  containerName?: string,
): PodServiceImage | null {
  const phase = field(pod, 'status', 'phase');
  if (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    asString(field(pod, 'metadata', 'deletionTimestamp')) !== null
  ) {
    return null;
  }
  const container = pickServiceContainer(
    field(pod, 'spec', 'containers'),
    workloadName,
    containerName,
  );
  if (!container) {
    return null;
  }
  const status = asArray(field(pod, 'status', 'containerStatuses')).find(
    candidate => field(candidate, 'name') === container.name,
  );
  const imageID = asString(field(status, 'imageID'));
  const image = container.image ?? asString(field(status, 'image'));
  if (!image) {
    return null;
  }
  return {
    image,
    digest: imageID ? parseImageDigest(imageID) : null,
    ready: isReady(pod, status),
    since:
      readTime(field(pod, 'status', 'startTime')) ??
      readTime(field(status, 'state', 'running', 'startedAt')),
  };
}

function isReady(pod: unknown, containerStatus: unknown): boolean {
  const conditions = asArray(field(pod, 'status', 'conditions'));
  const ready = conditions.find(c => field(c, 'type') === 'Ready');
  if (ready !== undefined) {
    return field(ready, 'status') === 'True';
  }
  return field(containerStatus, 'ready') === true;
}

function readTime(value: unknown): PodServiceImage['since'] {
  const text = asString(value);
  if (!text || text.length > 64) {
    return null;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : { text, time };
}
