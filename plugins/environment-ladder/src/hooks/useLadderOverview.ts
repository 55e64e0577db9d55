import { useApi } from '@backstage/core-plugin-api';
import {
  OVERVIEW_SIGNAL_CHANNEL,
  type OverviewFilter,
} from '@environment-ladder/plugin-environment-ladder-common';
import { useReducer } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ladderApiRef } from '../api';
import { useLiveRefresh } from './useLiveRefresh';

/**
 * The org-wide overview, narrowed on the server by `filter`, refetched on
 * the overview signal (or polled without signals) like a service's ladder.
 */
export function useLadderOverview(
  filter: OverviewFilter = {},
  options: { refreshMs?: number } = {},
) {
  const ladderApi = useApi(ladderApiRef);
  const { owner, system, lifecycle, onlyBroken } = filter;
  const [version, refresh] = useReducer((n: number) => n + 1, 0);
  const state = useAsyncRetry(
    () => ladderApi.getOverview({ owner, system, lifecycle, onlyBroken }),
    [ladderApi, owner, system, lifecycle, onlyBroken, version],
  );
  useLiveRefresh({
    channel: OVERVIEW_SIGNAL_CHANNEL,
    // Not `retry`, which does nothing while a read is under way: a change
    // signalled during a read must still cause the read after it.
    refresh,
    refreshMs: options.refreshMs,
  });
  return state;
}
