/*
 * The channels on which the backend tells open views that something changed.
 * Backstage signals have no permission check on subscribe, so a message never
 * carries ladder data: it only says "refetch", and the view refetches through
 * the permissioned API.
 */

/**
 * The message published on a ladder channel.
 *
 * @public
 */
export interface LadderChangedSignal {
  /** What changed: the observed ladder (clusters) or a promotion's state. */
  type: 'ladder-changed' | 'promotion-changed';
}

/**
 * The channel for one entity's ladder. A viewer subscribes with the entity ref
 * it already shows, so the channel name tells nobody anything new.
 *
 * @public
 */
export function ladderSignalChannel(entityRef: string): string {
  return `environment-ladder:entity:${entityRef.toLocaleLowerCase('en-US')}`;
}

/**
 * The channel for the org-wide overview: one debounced ping when any ladder
 * changed, naming no entity.
 *
 * @public
 */
export const OVERVIEW_SIGNAL_CHANNEL = 'environment-ladder:overview';
