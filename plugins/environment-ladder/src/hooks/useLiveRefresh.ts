import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useRef } from 'react';

/** How often a visible view refreshes when the app has no signals. */
export const REFRESH_MS = 10_000;

/**
 * With signals, a visible view still refreshes this rarely: a message sent
 * while the signal connection was down is lost, and this bounds how long a
 * view can stay behind because of it.
 */
export const SIGNALS_SAFETY_REFRESH_MS = 60_000;

const isHidden = () => typeof document !== 'undefined' && document.hidden;

/**
 * Keeps a view current. With Backstage signals installed, `refresh` runs when
 * a message arrives on `channel` (the message says only "changed"; the data
 * comes through the permissioned API `refresh` calls). Without signals, it
 * runs every `refreshMs`. Either way a hidden page never refreshes (many open
 * tabs must not become a refetch storm) and catches up the moment it is
 * shown again.
 */
export function useLiveRefresh(options: {
  channel: string;
  refresh: () => void;
  refreshMs?: number;
  safetyRefreshMs?: number;
}) {
  const { channel, refresh } = options;
  const { lastSignal, isSignalsAvailable } = useSignal(channel);
  const intervalMs = isSignalsAvailable
    ? options.safetyRefreshMs ?? SIGNALS_SAFETY_REFRESH_MS
    : options.refreshMs ?? REFRESH_MS;
  // A signal that arrived while the page was hidden, not yet acted on.
  const missed = useRef(false);
  // The latest `refresh`, so that a new identity (useAsyncRetry's changes
  // with every load) neither repeats the last signal nor restarts the timer.
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;

  useEffect(() => {
    if (!lastSignal) return;
    if (isHidden()) {
      missed.current = true;
    } else {
      latestRefresh.current();
    }
  }, [lastSignal]);

  useEffect(() => {
    const timer = setInterval(() => {
      if (!isHidden()) latestRefresh.current();
    }, intervalMs);
    const onVisibilityChange = () => {
      if (isHidden()) return;
      // Polling: a hidden page skipped its polls. Signals: only a missed
      // signal is worth a request.
      if (!isSignalsAvailable || missed.current) {
        missed.current = false;
        latestRefresh.current();
      }
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs, isSignalsAvailable]);
}
