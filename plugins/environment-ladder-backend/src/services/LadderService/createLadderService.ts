import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  buildLadder,
  type FindPreviewsOptions,
  KUBERNETES_ID_ANNOTATION,
  PREVIEW_NAME_TEMPLATE_ANNOTATION,
  PROJECT_SLUG_ANNOTATION,
  type Ladder,
  type RungResult,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  checkPreviewNameTemplate,
  type LadderConfig,
  type RungConfig,
} from '../../config';
import type { ClusterReader } from '../ClusterReader/types';
import type {
  GithubRepository,
  OpenPullRequests,
  PullRequestStates,
} from '../PullRequestStates/types';
import { entityLadderSelector } from './entityLadderSelector';
import type { LadderService } from './types';

function githubRepository(entity: Entity): GithubRepository | undefined {
  const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
  const match = slug ? /^([^/\s]+)\/([^/\s]+)$/.exec(slug.trim()) : null;
  return match ? { owner: match[1], repo: match[2] } : undefined;
}

/** The open pull requests as `findPreviews` takes them: plain data. */
function toOpenPullRequests(
  states: OpenPullRequests,
): FindPreviewsOptions['openPullRequests'] {
  if (!states.known) return undefined;
  const open: Record<number, { title?: string }> = {};
  for (const [number, { title }] of states.open) {
    open[number] = title ? { title } : {};
  }
  return { open, complete: states.complete };
}

/**
 * Creates the ladder service: one parallel read per rung and cluster, each bounded by the cluster timeout.
 *
 * @public
 */
export function createLadderService(options: {
  config: LadderConfig;
  clusterReader: ClusterReader;
  logger: LoggerService;
  /** Tells which pull requests are open, for preview rungs; without it, PR states are unknown. */
  pullRequestStates?: PullRequestStates;
  now?: () => Date;
}): LadderService {
  const { config, clusterReader, logger, pullRequestStates } = options;
  const now = options.now ?? (() => new Date());

  async function readRung(
    rung: RungConfig,
    selector: { labelSelector: string; namespace?: string },
    fresh: boolean,
  ): Promise<RungResult> {
    if (rung.clusters.length === 0) {
      return null;
    }
    const previews = rung.kind === 'preview';
    // Previews live in namespaces of their own, not in the entity's usual one.
    let namespaces = selector.namespace
      ? [selector.namespace]
      : rung.namespaces;
    if (previews) namespaces = [];
    const settled = await Promise.allSettled(
      rung.clusters.map(async cluster => ({
        cluster,
        objects: await clusterReader.readObjects({
          cluster,
          namespaces,
          labelSelector: selector.labelSelector,
          ...(previews ? { previews } : {}),
          ...(fresh ? { fresh } : {}),
          signal: AbortSignal.timeout(config.clusterTimeoutMs),
        }),
      })),
    );
    const objectsByCluster = [];
    for (const [index, result] of settled.entries()) {
      const cluster = rung.clusters[index];
      if (result.status === 'rejected') {
        const message = describeFailure(result.reason, cluster, config);
        logger.warn('Could not read a rung', {
          rung: rung.name,
          cluster,
          error: message,
        });
        return { error: { cluster, message } };
      }
      objectsByCluster.push(result.value);
    }
    return { objectsByCluster };
  }

  return {
    async getLadder(entity: Entity, getOptions): Promise<Ladder> {
      const entityRef = stringifyEntityRef(entity);
      const selector = entityLadderSelector(entity);
      if ('missing' in selector) {
        return {
          entityRef,
          rungs: [],
          violations: [],
          generatedAt: now().toISOString(),
          notSetUp: selector.missing,
        };
      }
      const annotations = entity.metadata.annotations ?? {};
      const repository = githubRepository(entity);
      const hasPreviews = config.rungs.some(rung => rung.kind === 'preview');

      // An entity's own name template is checked here: a bad one fails its preview rungs only.
      let templateError: string | undefined;
      const nameTemplate = annotations[PREVIEW_NAME_TEMPLATE_ANNOTATION];
      if (hasPreviews && nameTemplate !== undefined) {
        try {
          checkPreviewNameTemplate(nameTemplate);
        } catch (error) {
          templateError = `The annotation ${PREVIEW_NAME_TEMPLATE_ANNOTATION} is not a usable preview name template: ${
            (error as Error).message
          }`;
        }
      }

      const [results, pullRequests] = await Promise.all([
        Promise.all(
          config.rungs.map(
            (rung): Promise<RungResult> =>
              rung.kind === 'preview' && templateError
                ? Promise.resolve({
                    error: { cluster: '', message: templateError },
                  })
                : readRung(rung, selector, getOptions?.fresh === true),
          ),
        ),
        hasPreviews && repository && pullRequestStates
          ? pullRequestStates
              .getOpenPullRequests(repository)
              .catch((): OpenPullRequests => ({ known: false }))
          : Promise.resolve<OpenPullRequests>({ known: false }),
      ]);

      return buildLadder({
        entityRef,
        now: now(),
        containerName: config.serviceContainer,
        rungs: config.rungs.map((rung, index) => ({
          name: rung.name,
          title: rung.title,
          observed: rung.clusters.length > 0,
          declared: rung.declared,
          result: results[index],
          ...(rung.kind === 'preview' && rung.previews
            ? {
                kind: 'preview' as const,
                previews: {
                  config: {
                    nameTemplate: nameTemplate ?? rung.previews.nameTemplate,
                    labels: rung.previews.labels,
                    annotations: rung.previews.annotations,
                    prUrlTemplate: rung.previews.pullRequestUrlTemplate,
                  },
                  entity:
                    annotations[KUBERNETES_ID_ANNOTATION] ??
                    entity.metadata.name,
                  prUrlBase: repository,
                  productionValues: rung.previews.productionValues,
                  openPullRequests: toOpenPullRequests(pullRequests),
                },
              }
            : {}),
        })),
      });
    },
  };
}

function describeFailure(
  reason: unknown,
  cluster: string,
  config: LadderConfig,
): string {
  const error = reason as Error | undefined;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return `cluster '${cluster}' did not answer within ${config.clusterTimeoutMs} ms`;
  }
  if (error?.message?.startsWith(`cluster '${cluster}'`)) {
    return error.message;
  }
  return `cluster '${cluster}' could not be read: ${
    error?.message ?? 'unknown error'
  }`;
}
