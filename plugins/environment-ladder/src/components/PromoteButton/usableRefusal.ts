import type {
  LadderPromotionTarget,
  LadderRollbackTarget,
} from '@environment-ladder/plugin-environment-ladder-common';

/**
 * Why the button refuses, or null when the viewer may open the dialog: the backend
 * allows the request, or refuses it only for a freeze the viewer may override (the
 * dialog then asks for the override).
 */
export function usableRefusal(
  verdict: Pick<
    LadderPromotionTarget | LadderRollbackTarget,
    'allowed' | 'reason' | 'overridable'
  >,
): string | null {
  if (verdict.allowed || verdict.overridable === 'freeze') return null;
  return verdict.reason ?? 'Not allowed';
}
