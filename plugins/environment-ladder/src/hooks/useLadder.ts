import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ladderSignalChannel } from '@environment-ladder/plugin-environment-ladder-common';
import { useReducer } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ladderApiRef } from '../api';
import { REFRESH_MS, useLiveRefresh } from './useLiveRefresh';

export { REFRESH_MS };

/**
 * The current entity's ladder, kept current by {@link useLiveRefresh}: on
 * the entity's ladder signal when the app has signals, else every
 * {@link REFRESH_MS} while the page is visible. Each refresh revalidates
 * with the ladder's ETag, so an unchanged ladder costs a 304 without a body.
 */
export function useLadder(options: { refreshMs?: number } = {}) {
  const { entity } = useEntity();
  const ladderApi = useApi(ladderApiRef);
  const ref = getCompoundEntityRef(entity);
  const [version, refresh] = useReducer((n: number) => n + 1, 0);
  const state = useAsyncRetry(
    () => ladderApi.getLadder(ref),
    [ladderApi, ref.kind, ref.namespace, ref.name, version],
  );
  useLiveRefresh({
    channel: ladderSignalChannel(stringifyEntityRef(entity)),
    // Not `retry`, which does nothing while a read is under way: a change
    // signalled during a read must still cause the read after it.
    refresh,
    refreshMs: options.refreshMs,
  });
  return state;
}
