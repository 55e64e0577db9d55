import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type {
  PromotionRequest,
  PromotionResponse,
} from '@environment-ladder/plugin-environment-ladder-common';
import { examples } from './promote.examples';

/** The step's outputs, kept as the checkpoint's value so that a retried step does not ask again. */
type PromoteOutputs = {
  promotionId: string;
  status: string;
  pullRequestUrl?: string;
  pullRequestNumber?: number;
  diff?: string;
  pullRequestTitle?: string;
  pullRequestBody?: string;
  repository?: string;
  filePath?: string;
};

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The error a backend answer stands for, typed like the backend's own and
 * carrying its message (which names the refused rule), and nothing of the
 * request: never the token.
 */
async function toPromotionError(
  response: Response,
  request: PromotionRequest,
): Promise<Error> {
  const responseError = await ResponseError.fromResponse(response);
  const reason =
    responseError.cause?.message || `${response.status} ${response.statusText}`;
  const message = `Could not promote ${request.entityRef} to ${request.targetEnvironment}: ${reason}`;
  switch (response.status) {
    case 400:
      return new InputError(message);
    case 401:
      return new AuthenticationError(message);
    case 403:
      return new NotAllowedError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new Error(
        `${message} (the Environment Ladder backend answered ${response.status})`,
        { cause: responseError },
      );
  }
}

function toOutputs(response: PromotionResponse): PromoteOutputs {
  const { promotion, dryRun } = response;
  return {
    promotionId: promotion.id,
    status: promotion.state,
    ...(promotion.pullRequest && {
      pullRequestUrl: promotion.pullRequest.url,
      pullRequestNumber: promotion.pullRequest.number,
    }),
    ...(dryRun && {
      diff: dryRun.diff,
      pullRequestTitle: dryRun.pullRequest.title,
      pullRequestBody: dryRun.pullRequest.body,
      repository: dryRun.repository,
      filePath: dryRun.filePath,
    }),
  };
}

/**
 * The `environment-ladder:promote` action: asks the Environment Ladder
 * backend, as the user who started the task, to promote an entity's digest
 * into the next rung. The rules, the pull request and the ledger live in the
 * backend; this action only carries the request and reports the answer.
 *
 * @public
 */
export function createPromoteAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'environment-ladder:promote',
    description:
      "Requests the promotion of an entity's image digest into the next rung of its environment ladder: the ladder's rules are checked and a GitOps pull request that changes only the digest is opened.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The catalog entity to promote, e.g. component:default/checkout',
            ),
        targetEnvironment: z =>
          z
            .string()
            .min(1)
            .describe(
              'The rung to promote into, e.g. staging; it must be the rung right above the source',
            ),
        digest: z =>
          z
            .string()
            .regex(DIGEST)
            .optional()
            .describe(
              'The digest to promote (sha256: and 64 hex characters); defaults to the one digest running healthy in the rung below',
            ),
        reason: z =>
          z
            .string()
            .min(1)
            .describe('Why, in your words; it goes into the pull request'),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Check the rules and show the exact change without opening a pull request or recording anything',
            ),
        overrideFreeze: z =>
          z
            .boolean()
            .optional()
            .describe(
              "Promote although a freeze window of the target rung is in force; needs the environment-ladder.freeze.override permission, and the override is written into the rules' verdicts",
            ),
        kind: z =>
          z
            .enum(['promotion', 'rollback'])
            .optional()
            .describe(
              'rollback: move the target rung back to a digest it ran before (by default the previous one that ran verified there), under the rollback rules; default promotion',
            ),
      },
      output: {
        promotionId: z =>
          z
            .string()
            .describe(
              "The promotion's id in the ledger ('dry-run' for a dry run)",
            ),
        status: z =>
          z
            .string()
            .describe('The state of the promotion, e.g. pr-open or requested'),
        pullRequestUrl: z =>
          z
            .string()
            .optional()
            .describe('The GitOps pull request, once opened'),
        pullRequestNumber: z =>
          z
            .number()
            .optional()
            .describe("The pull request's number, once opened"),
        diff: z =>
          z
            .string()
            .optional()
            .describe(
              'Dry run only: the unified diff the pull request would make',
            ),
        pullRequestTitle: z =>
          z
            .string()
            .optional()
            .describe("Dry run only: the pull request's title"),
        pullRequestBody: z =>
          z
            .string()
            .optional()
            .describe("Dry run only: the pull request's markdown body"),
      },
    },
    async handler(ctx) {
      // The scaffolder's own dry run must not write anything: the backend
      // then only checks the rules and computes the change.
      const dryRun = ctx.isDryRun === true || ctx.input.dryRun === true;
      const request: PromotionRequest = {
        entityRef: ctx.input.entityRef,
        targetEnvironment: ctx.input.targetEnvironment,
        ...(ctx.input.digest && { digest: ctx.input.digest }),
        reason: ctx.input.reason,
        ...(ctx.input.overrideFreeze && { overrideFreeze: true }),
        ...(ctx.input.kind === 'rollback' && { kind: 'rollback' as const }),
        ...(dryRun
          ? { dryRun: true }
          : {
              // A retried step (or a recovered task) sends the same key, so
              // the backend answers with the promotion it already recorded.
              idempotencyKey: [
                'scaffolder',
                ctx.task.id,
                ctx.step?.id ?? 'promote',
                ...(ctx.each ? [String(ctx.each.key)] : []),
              ].join(':'),
            }),
      };

      const outputs = await ctx.checkpoint<PromoteOutputs>({
        key: dryRun
          ? 'environment-ladder.promote.dry-run'
          : `environment-ladder.promote.${request.idempotencyKey}`,
        fn: async () => {
          const credentials = await ctx.getInitiatorCredentials();
          if (!auth.isPrincipal(credentials, 'user')) {
            throw new NotAllowedError(
              'A promotion must be requested by a signed-in user; this task was not started by one',
            );
          }
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'environment-ladder',
          });
          const baseUrl = await discovery.getBaseUrl('environment-ladder');
          const response = await fetch(`${baseUrl}/promotions`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Authorization: `Bearer ${token}`,
            },
            body: JSON.stringify(request),
            signal: ctx.signal,
          });
          if (!response.ok) {
            throw await toPromotionError(response, request);
          }
          return toOutputs((await response.json()) as PromotionResponse);
        },
      });

      if (dryRun) {
        ctx.logger.info(
          `Dry run: promoting ${request.entityRef} to ${
            request.targetEnvironment
          } would change ${outputs.filePath ?? 'the manifest'} in ${
            outputs.repository ?? 'the GitOps repository'
          }:\n${outputs.diff ?? ''}`,
        );
        ctx.logger.info(
          `Dry run: the pull request would be titled "${
            outputs.pullRequestTitle ?? ''
          }" with this body:\n${outputs.pullRequestBody ?? ''}`,
        );
      } else if (outputs.pullRequestUrl) {
        ctx.logger.info(
          `Promotion ${outputs.promotionId} is ${outputs.status}: ${outputs.pullRequestUrl}`,
        );
      } else {
        ctx.logger.info(
          `Promotion ${outputs.promotionId} is ${outputs.status}; its pull request opens once the rung's gate is met`,
        );
      }

      ctx.output('promotionId', outputs.promotionId);
      ctx.output('status', outputs.status);
      if (outputs.pullRequestUrl !== undefined) {
        ctx.output('pullRequestUrl', outputs.pullRequestUrl);
      }
      if (outputs.pullRequestNumber !== undefined) {
        ctx.output('pullRequestNumber', outputs.pullRequestNumber);
      }
      if (dryRun) {
        ctx.output('diff', outputs.diff ?? '');
        ctx.output('pullRequestTitle', outputs.pullRequestTitle ?? '');
        ctx.output('pullRequestBody', outputs.pullRequestBody ?? '');
      }
    },
  });
}
