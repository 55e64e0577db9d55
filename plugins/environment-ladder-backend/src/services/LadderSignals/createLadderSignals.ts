import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ladderSignalChannel,
  OVERVIEW_SIGNAL_CHANNEL,
  type LadderChangedSignal,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { PromotionStore } from '../PromotionStore/types';

/** Publishes "changed" pings; never ladder data (signals have no permission check). */
export interface LadderSignals {
  ladderChanged(entityRef: string): void;
  promotionChanged(entityRef: string): void;
}

/**
 * Publishes on each entity's channel at once, and one ping on the overview
 * channel per `overviewDebounceMs` however many ladders changed in it.
 * Publishing is fire-and-forget: a signals failure never fails a view or a
 * promotion; it is logged.
 */
export function createLadderSignals(options: {
  signals: SignalsService;
  logger: LoggerService;
  overviewDebounceMs?: number;
}): LadderSignals {
  const { signals, logger } = options;
  const overviewDebounceMs = options.overviewDebounceMs ?? 250;
  let overviewTimer: NodeJS.Timeout | undefined;

  function publish(channel: string, message: LadderChangedSignal) {
    signals
      .publish({
        recipients: { type: 'broadcast' },
        channel,
        message: { type: message.type },
      })
      .catch(error =>
        logger.warn('Could not publish a signal', {
          channel,
          error: String(error),
        }),
      );
  }

  function changed(entityRef: string, type: LadderChangedSignal['type']) {
    publish(ladderSignalChannel(entityRef), { type });
    overviewTimer ??= setTimeout(() => {
      overviewTimer = undefined;
      publish(OVERVIEW_SIGNAL_CHANNEL, { type });
    }, overviewDebounceMs);
  }

  return {
    ladderChanged: entityRef => changed(entityRef, 'ladder-changed'),
    promotionChanged: entityRef => changed(entityRef, 'promotion-changed'),
  };
}

/**
 * The promotion ledger, telling open views when a promotion changed state:
 * every write goes through one of these methods, whoever calls it (request,
 * approval, reconciler).
 */
export function withPromotionSignals(
  store: PromotionStore,
  signals: LadderSignals,
): PromotionStore {
  const tell = <T extends { entityRef: string }>(promotion: T): T => {
    signals.promotionChanged(promotion.entityRef);
    return promotion;
  };
  return {
    ...store,
    get: id => store.get(id),
    listForEntity: entityRef => store.listForEntity(entityRef),
    listInFlight: () => store.listInFlight(),
    create: async (...args) => {
      const result = await store.create(...args);
      if (result.created) tell(result.promotion);
      return result;
    },
    transition: async (...args) => tell(await store.transition(...args)),
    recordApproval: async (...args) =>
      tell(await store.recordApproval(...args)),
    setPullRequest: async (...args) =>
      tell(await store.setPullRequest(...args)),
  };
}
