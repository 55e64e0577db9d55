import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ladderApiRef } from '../api';

/** How often a visible tab refreshes the ladder. */
const REFRESH_MS = 10_000;

/** The current entity's ladder, refreshed while the page is visible. */
export function useLadder() {
  const { entity } = useEntity();
  const ladderApi = useApi(ladderApiRef);
  const ref = getCompoundEntityRef(entity);
  const state = useAsyncRetry(
    () => ladderApi.getLadder(ref),
    [ladderApi, ref.kind, ref.namespace, ref.name],
  );
  const { retry } = state;
  useEffect(() => {
    // A hidden tab does not poll: many open tabs must not become a refetch storm.
    const timer = setInterval(() => {
      if (typeof document === 'undefined' || !document.hidden) {
        retry();
      }
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [retry]);
  return state;
}
