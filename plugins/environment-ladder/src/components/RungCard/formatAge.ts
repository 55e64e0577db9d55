/** A compact age such as `5m`, `3h` or `12d`, the way kubectl prints it. */
export function formatAge(since: string | null, now: Date): string | null {
  if (!since) {
    return null;
  }
  const seconds = Math.floor(
    (now.getTime() - new Date(since).getTime()) / 1000,
  );
  if (!Number.isFinite(seconds) || seconds < 0) {
    return null;
  }
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
