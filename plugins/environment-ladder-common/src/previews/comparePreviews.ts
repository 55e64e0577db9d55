import { PreviewEnvironment } from './types';

function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

const createdTime = (preview: PreviewEnvironment) =>
  preview.createdAt === null ? NaN : Date.parse(preview.createdAt);

/**
 * Orders previews newest first; previews without a creation time come after the
 * others, by pull request number (highest first), then by cluster, namespace and Application.
 *
 * @public
 */
export function comparePreviews(
  a: PreviewEnvironment,
  b: PreviewEnvironment,
): number {
  const [ta, tb] = [createdTime(a), createdTime(b)];
  if (Number.isNaN(ta) !== Number.isNaN(tb)) return Number.isNaN(ta) ? 1 : -1;
  if (!Number.isNaN(ta) && ta !== tb) return tb - ta;
  if (a.prNumber !== b.prNumber) {
    if (a.prNumber === null) return 1;
    if (b.prNumber === null) return -1;
    return b.prNumber - a.prNumber;
  }
  return (
    compareStrings(a.cluster ?? '', b.cluster ?? '') ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.applicationName ?? '', b.applicationName ?? '')
  );
}
