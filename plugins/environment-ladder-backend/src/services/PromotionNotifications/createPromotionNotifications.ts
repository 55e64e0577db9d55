import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  NotificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  shortDigest,
  type Promotion,
  type PromotionState,
} from '@environment-ladder/plugin-environment-ladder-common';
import type { PromotionStore } from '../PromotionStore/types';

/** Tells the people concerned by a promotion where it stands. */
export interface PromotionNotifications {
  /**
   * Sends (or updates in place) the promotion's one notification. Never throws:
   * a notification that cannot be sent must not fail the promotion.
   */
  promotionChanged(promotion: Promotion): Promise<void>;
}

/** The notification topic: users can mute the suite's notifications as one. */
export const PROMOTION_NOTIFICATION_TOPIC = 'environment-ladder-promotions';

/**
 * The scope that makes every later send about one promotion update its
 * notification in place rather than add another.
 */
export function promotionNotificationScope(promotionId: string): string {
  return `environment-ladder:promotion:${promotionId}`;
}

const STATE_WORDS: Record<PromotionState, string> = {
  requested: 'requested',
  'pr-open': 'pull request open',
  merged: 'merged, waiting for the rollout',
  running: 'rolling out',
  verified: 'verified',
  rejected: 'rejected',
  failed: 'failed',
  superseded: 'superseded',
};

/** The in-app path of the entity's Environments tab (relative, so that it works on any host). */
function environmentsTabPath(entityRef: string): string {
  const ref = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
    ref.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(ref.name)}/environments`;
}

/** Whether the promotion is a rollback (a ledger kind other plugins' versions may record). */
function isRollback(promotion: Promotion): boolean {
  return (promotion as Promotion & { kind?: string }).kind === 'rollback';
}

/** The notification's payload: title and description say the state, the link opens the tab. */
export function promotionNotificationPayload(
  promotion: Promotion,
): NotificationSendOptions['payload'] {
  const service = parseEntityRef(promotion.entityRef).name;
  const what = isRollback(promotion) ? 'Rollback' : 'Promotion';
  const lines = [
    `${shortDigest(promotion.digest)} from ${promotion.sourceEnvironment} to ${
      promotion.targetEnvironment
    }, requested by ${parseEntityRef(promotion.requestedBy).name}.`,
  ];
  if (promotion.pullRequest) {
    lines.push(
      `Pull request #${promotion.pullRequest.number}: ${promotion.pullRequest.url}`,
    );
  }
  // The ledger's error is what the tab shows too; it never carries credentials
  // (errors from GitHub are recorded by message only).
  if (promotion.error && promotion.state === 'failed') {
    lines.push(`Why: ${promotion.error.slice(0, 300)}`);
  }
  return {
    title: `${what} of ${service} to ${promotion.targetEnvironment}: ${
      STATE_WORDS[promotion.state] ?? promotion.state
    }`,
    description: lines.join('\n'),
    link: environmentsTabPath(promotion.entityRef),
    severity:
      promotion.state === 'failed' || isRollback(promotion) ? 'high' : 'normal',
    topic: PROMOTION_NOTIFICATION_TOPIC,
    scope: promotionNotificationScope(promotion.id),
    metadata: {
      promotionId: promotion.id,
      entityRef: promotion.entityRef,
      state: promotion.state,
      targetEnvironment: promotion.targetEnvironment,
      ...(promotion.pullRequest && {
        pullRequest: promotion.pullRequest.url,
      }),
    },
  };
}

/** The entity's owners as the catalog resolved them (relations first, else `spec.owner`). */
function ownersOf(entity: Entity): string[] {
  const related = (entity.relations ?? [])
    .filter(relation => relation.type === RELATION_OWNED_BY)
    .map(relation => relation.targetRef.toLocaleLowerCase('en-US'));
  if (related.length > 0) return related;
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || owner === '') return [];
  try {
    return [
      stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      ).toLocaleLowerCase('en-US'),
    ];
  } catch {
    return [];
  }
}

/**
 * Creates the promotion notifications over Backstage's notification service.
 * Recipients: the requester and the service's owners (the notifications
 * backend resolves a group to its members). When the catalog cannot be read,
 * the service's own entity ref stands for its owners: the notifications
 * backend resolves it to them as well.
 */
export function createPromotionNotifications(options: {
  notifications: NotificationService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): PromotionNotifications {
  const { notifications, catalog, auth, logger } = options;

  async function recipients(promotion: Promotion): Promise<string[]> {
    let owners: string[] = [promotion.entityRef];
    try {
      const entity = await catalog.getEntityByRef(promotion.entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      if (entity) {
        const found = ownersOf(entity);
        if (found.length > 0) owners = found;
      }
    } catch (error) {
      logger.warn('Could not read the owners of a promoted entity', {
        entityRef: promotion.entityRef,
        error: String(error),
      });
    }
    // CI's external subject (e.g. external:ci) is nobody to notify: the owners are.
    const requester = promotion.requestedBy.startsWith('user:')
      ? [promotion.requestedBy]
      : [];
    return [...new Set([...requester, ...owners])];
  }

  async function send(promotion: Promotion) {
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: await recipients(promotion),
        },
        payload: promotionNotificationPayload(promotion),
      });
    } catch (error) {
      // The promotion goes on; only the cause's message is logged (a
      // notification service error carries no request headers).
      logger.warn('Could not send a promotion notification', {
        promotionId: promotion.id,
        state: promotion.state,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  // One send at a time per promotion, in the order of the writes: the
  // notification is updated in place, so a late `requested` must never
  // overwrite an earlier-sent `pr-open`.
  const queues = new Map<string, Promise<void>>();
  return {
    promotionChanged(promotion) {
      const next = (queues.get(promotion.id) ?? Promise.resolve()).then(() =>
        send(promotion),
      );
      queues.set(promotion.id, next);
      void next.then(() => {
        if (queues.get(promotion.id) === next) queues.delete(promotion.id);
      });
      return next;
    },
  };
}

/**
 * The promotion ledger, notifying after each state write: a new promotion
 * (`requested`) and every transition. Approvals and the pull request's record
 * change no state and notify nobody (the `pr-open` transition carries the
 * pull request). Notifications are sent in the background: a slow or failing
 * notification service never delays or fails a promotion.
 */
export function withPromotionNotifications(
  store: PromotionStore,
  notifications: PromotionNotifications,
): PromotionStore {
  const tell = (promotion: Promotion) => {
    void notifications.promotionChanged(promotion);
    return promotion;
  };
  return {
    ...store,
    create: async (...args) => {
      const result = await store.create(...args);
      if (result.created) tell(result.promotion);
      return result;
    },
    transition: async (...args) => tell(await store.transition(...args)),
  };
}
