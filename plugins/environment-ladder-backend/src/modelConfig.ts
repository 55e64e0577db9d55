import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readPositiveDuration } from './config/readers';
import { parseLabelSelector } from './services/ClusterModel/labelSelector';

/** The live cluster model's settings and the view path's reuse window. */
export interface ModelConfig {
  /** On by default; off: every view reads the clusters (with the short cache). */
  enabled: boolean;
  /** What the model lists and watches in every rung cluster. */
  labelSelector: string;
  /** The label objects are indexed by (a label the selector requires). */
  indexLabel: string;
  watchTimeoutSeconds: number;
  /** A watch stream quiet for longer was dropped silently: it is cut and resumed. */
  watchIdleTimeoutMs: number;
  /** How long a user's catalog visibility and read permission are reused; 0: never. */
  accessReuseMs: number;
}

const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Reads `environmentLadder.model` and `environmentLadder.accessReuse`; throws InputError naming a bad key. */
export function readModelConfig(root: Config): ModelConfig {
  const config = root.getOptionalConfig('environmentLadder');
  const get = <T>(read: () => T, key: string): T => {
    try {
      return read();
    } catch (error) {
      throw new InputError(
        `Invalid config value at 'environmentLadder.${key}': ${
          (error as Error).message
        }`,
      );
    }
  };
  const enabled =
    get(() => config?.getOptionalBoolean('model.enabled'), 'model.enabled') ??
    true;
  const labelSelector =
    get(
      () => config?.getOptionalString('model.labelSelector'),
      'model.labelSelector',
    ) ?? KUBERNETES_ID;
  let requirements;
  try {
    requirements = parseLabelSelector(labelSelector);
  } catch (error) {
    throw new InputError(
      `Invalid config value at 'environmentLadder.model.labelSelector': ${
        (error as Error).message
      }`,
    );
  }
  const indexLabel =
    get(
      () => config?.getOptionalString('model.indexLabel'),
      'model.indexLabel',
    ) ?? KUBERNETES_ID;
  if (!LABEL_KEY.test(indexLabel)) {
    throw new InputError(
      `Invalid config value at 'environmentLadder.model.indexLabel': not a label key`,
    );
  }
  if (requirements.length === 0) {
    throw new InputError(
      `Invalid config value at 'environmentLadder.model.labelSelector': must select something (an empty selector would copy whole clusters)`,
    );
  }
  const empty = { has: () => false } as unknown as Config;
  const watchTimeoutSeconds = Math.max(
    1,
    Math.round(
      readPositiveDuration(
        config ?? empty,
        'model.watchTimeout',
        'environmentLadder.model.watchTimeout',
        60_000,
      ) / 1000,
    ),
  );
  const watchIdleTimeoutMs = readPositiveDuration(
    config ?? empty,
    'model.watchIdleTimeout',
    'environmentLadder.model.watchIdleTimeout',
    90_000,
  );
  // A healthy watch may be quiet until the API server ends it after
  // `watchTimeout`; an idle limit within that would cut every quiet watch
  // (and, in a busy model, re-list).
  if (watchIdleTimeoutMs <= watchTimeoutSeconds * 1000) {
    throw new InputError(
      `Invalid config value at 'environmentLadder.model.watchIdleTimeout': must be longer than model.watchTimeout (${watchTimeoutSeconds} s), or every quiet watch would be cut`,
    );
  }
  return {
    enabled,
    labelSelector,
    indexLabel,
    watchTimeoutSeconds,
    watchIdleTimeoutMs,
    accessReuseMs: readPositiveDuration(
      config ?? empty,
      'accessReuse.window',
      'environmentLadder.accessReuse.window',
      0,
      { allowZero: true },
    ),
  };
}
