import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ladderApiRef } from '../api';

/** How often a visible tab refreshes the ladder. */
export const REFRESH_MS = 10_000;

const isHidden = () => typeof document !== 'undefined' && document.hidden;

/**
 * The current entity's ladder, refreshed every {@link REFRESH_MS} while the
 * page is visible. A hidden tab does not poll at all (many open tabs must not
 * become a refetch storm) and catches up the moment it is shown again. Each
 * refresh revalidates with the ladder's ETag, so an unchanged ladder costs a
 * 304 without a body.
 */
export function useLadder(options: { refreshMs?: number } = {}) {
  const refreshMs = options.refreshMs ?? REFRESH_MS;
  const { entity } = useEntity();
  const ladderApi = useApi(ladderApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useAsyncRetry(
    () => ladderApi.getLadder(ref),
    [ladderApi, ref.kind, ref.namespace, ref.name],
  );
  const { retry } = state;
  useEffect(() => {
    const timer = setInterval(() => {
      if (!isHidden()) retry();
    }, refreshMs);
    const onVisibilityChange = () => {
      if (!isHidden()) retry();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [retry, refreshMs]);
  return state;
}
