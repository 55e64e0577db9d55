import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef as parseCatalogEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  parseMetricsPeriod,
  findActiveFreeze,
  promotionTargets,
  rollbackTargets,
  type Ladder,
  type LadderPromotions,
} from '@environment-ladder/plugin-environment-ladder-common';
import {
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { LadderConfig } from './config';
import type { PermissionChecks } from './permissions/createPermissionChecks';
import type { LadderService } from './services/LadderService/types';
import type { MetricsService } from './services/MetricsService/createMetricsService';
import type { OverviewService } from './services/OverviewService/types';
import type { PromotionService } from './services/PromotionService/types';

const KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** Entity reference parts as the catalog allows them; anything else never reaches a cluster. */
const entityRefParams = z.object({
  kind: z.string().regex(KIND),
  namespace: z.string().regex(NAMESPACE),
  name: z.string().regex(NAME),
});

/** `kind:namespace/name`, each part as the catalog allows it. */
const ENTITY_REF =
  /^([A-Za-z][A-Za-z0-9]{0,62}):([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)\/([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)$/;

/** A promotion request. Strict: an unknown field is a mistake worth a 400. */
const promotionRequestBody = z
  .object({
    entityRef: z
      .string()
      .max(256)
      .regex(ENTITY_REF, 'must be kind:namespace/name'),
    targetEnvironment: z.string().max(63),
    // The digest's form is a ladder rule (checked with the others) so that its
    // refusal names the rule; here only its size is bounded.
    digest: z.string().max(200).optional(),
    reason: z.string().trim().min(1, 'must say why').max(2000),
    dryRun: z.boolean().optional(),
    overrideFreeze: z.boolean().optional(),
    kind: z
      .enum(['promotion', 'rollback'], {
        message: 'must be promotion or rollback',
      })
      .optional(),
    emergency: z.boolean().optional(),
    idempotencyKey: z
      .string()
      .regex(
        /^[A-Za-z0-9._:-]{1,200}$/,
        'must be 1-200 letters, digits, dots, dashes, colons or underscores',
      )
      .optional(),
  })
  .strict();

/**
 * A build CI brings into the ladder: the digest is required (nothing below runs it), the
 * target defaults to the lowest observed rung; no freeze override.
 */
const ciPromotionRequestBody = z
  .object({
    entityRef: z
      .string()
      .max(256)
      .regex(ENTITY_REF, 'must be kind:namespace/name'),
    targetEnvironment: z.string().max(63).optional(),
    digest: z.string().max(200),
    reason: z.string().trim().min(1, 'must say why').max(2000),
    dryRun: z.boolean().optional(),
    idempotencyKey: promotionRequestBody.shape.idempotencyKey,
    // The commit the digest was built from (GitHub Actions: github.sha and the head
    // commit's timestamp): lead time from the commit starts here.
    commit: z
      .object({
        sha: z
          .string()
          .regex(/^[0-9a-f]{40}$/, 'must be a full commit SHA (40 hex digits)'),
        committedAt: z
          .string()
          .datetime({
            offset: true,
            message: 'must be an ISO 8601 time with an offset',
          })
          // A minute of grace for CI runners' clocks.
          .refine(
            at => Date.parse(at) <= Date.now() + 60_000,
            'must not be in the future',
          ),
      })
      .strict()
      .optional(),
  })
  .strict();

const promotionIdParams = z.object({ id: z.string().uuid() });

/** An owner or system: a full entity ref, or a name that gets the given kind and `default`. */
function entityRefParam(defaultKind: string) {
  return z
    .string()
    .max(256)
    .transform((value, ctx) => {
      try {
        const ref = parseCatalogEntityRef(value, {
          defaultKind,
          defaultNamespace: 'default',
        });
        if (
          KIND.test(ref.kind) &&
          NAMESPACE.test(ref.namespace.toLocaleLowerCase('en-US')) &&
          NAME.test(ref.name)
        ) {
          return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be an entity ref such as ${defaultKind}:default/name`,
      });
      return z.NEVER;
    });
}

/** The overview's filters. Strict: a misspelt filter must not silently widen the answer. */
const overviewQuery = z
  .object({
    owner: entityRefParam('group').optional(),
    system: entityRefParam('system').optional(),
    lifecycle: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
        'must be a lifecycle such as production',
      )
      .optional(),
    onlyBroken: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .transform(value => value === 'true')
      .optional(),
  })
  .strict();

/** Parses the overview's query, turning a mismatch into a 400 that names the parameter. */
function parseOverviewQuery(query: unknown) {
  const parsed = overviewQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      throw new InputError(
        `Invalid overview query: '${issue.keys[0]}' is not a filter (owner, system, lifecycle, onlyBroken)`,
      );
    }
    const param = issue.path.join('.');
    const message =
      issue.code === z.ZodIssueCode.invalid_type
        ? 'must be given once'
        : issue.message;
    throw new InputError(`Invalid overview query: '${param}' ${message}`);
  }
  return parsed.data;
}

/** The metrics query: one service or one team, and a period. Strict, like the overview's. */
const metricsQuery = z
  .object({
    entityRef: entityRefParam('component').optional(),
    owner: entityRefParam('group').optional(),
    period: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const days = parseMetricsPeriod(value ?? '30d');
        if (days === undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: 'must be a number of days from 1d to 365d, such as 30d',
          });
          return z.NEVER;
        }
        return days;
      }),
  })
  .strict();

/** Parses the metrics query, turning a mismatch into a 400 that names the parameter. */
function parseMetricsQuery(query: unknown) {
  const parsed = metricsQuery.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      throw new InputError(
        `Invalid metrics query: '${issue.keys[0]}' is not a parameter (entityRef, owner, period)`,
      );
    }
    const param = issue.path.join('.');
    const message =
      issue.code === z.ZodIssueCode.invalid_type
        ? 'must be given once'
        : issue.message;
    throw new InputError(`Invalid metrics query: '${param}' ${message}`);
  }
  const { entityRef, owner, period } = parsed.data;
  if (Boolean(entityRef) === Boolean(owner)) {
    throw new InputError(
      `Invalid metrics query: give either 'entityRef' or 'owner', not ${
        entityRef ? 'both' : 'neither'
      }`,
    );
  }
  return { entityRef, owner, days: period };
}

/** Parses with a schema, turning a mismatch into a 400 that names the field. */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'body';
    throw new InputError(`Invalid ${what}: '${field}' ${issue.message}`);
  }
  return parsed.data;
}

/** Parses route parameters, turning a mismatch into a 400 that names the parameter. */
function parseEntityRef(params: unknown): CompoundEntityRef {
  const parsed = entityRefParams.safeParse(params);
  if (!parsed.success) {
    const field = parsed.error.issues[0].path.join('.');
    throw new InputError(
      `Invalid entity reference: '${field}' is not a valid catalog ${field}`,
    );
  }
  return parsed.data;
}

function isUser(
  credentials: BackstageCredentials,
): credentials is BackstageCredentials<BackstageUserPrincipal> {
  return (credentials.principal as { type?: string }).type === 'user';
}

function userRef(credentials: BackstageCredentials<BackstageUserPrincipal>) {
  return credentials.principal.userEntityRef;
}

/**
 * Remembers, for a short window, that a caller could see an entity and read
 * its ladder. Only successes are remembered (a refusal is asked again), and
 * only per principal: never shared between callers.
 */
function createReadAccessReuse(windowMs: number) {
  const granted = new Map<string, { entity: Entity; until: number }>();
  return {
    key(credentials: BackstageCredentials, ref: CompoundEntityRef) {
      const principal = credentials.principal as {
        type?: string;
        userEntityRef?: string;
        subject?: string;
      };
      const who =
        principal.userEntityRef ?? principal.subject ?? principal.type ?? '';
      return `${who}\u0000${stringifyEntityRef(ref)}`;
    },
    get(key: string): Entity | undefined {
      if (windowMs <= 0) return undefined;
      const entry = granted.get(key);
      if (entry && entry.until > Date.now()) return entry.entity;
      if (entry) granted.delete(key);
      return undefined;
    },
    set(key: string, entity: Entity) {
      if (windowMs <= 0) return;
      if (granted.size >= 10_000) {
        const now = Date.now();
        for (const [k, v] of granted) if (v.until <= now) granted.delete(k);
        if (granted.size >= 10_000) granted.clear();
      }
      granted.set(key, { entity, until: Date.now() + windowMs });
    },
  };
}

/** Creates the plugin's router: parse and validate input, call services, nothing else. */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  /** Reads the catalog as the plugin itself for CI, whose token opens this plugin only. */
  auth?: AuthService;
  catalog: CatalogService;
  config: LadderConfig;
  ladderService: LadderService;
  overviewService: OverviewService;
  promotionService: PromotionService;
  permissionChecks: PermissionChecks;
  /** Serves `GET /metrics`; the route answers 404 without it. */
  metricsService?: MetricsService;
  logger?: LoggerService;
  /**
   * How long a caller's visibility of an entity and their permission to read
   * its ladder are reused (0: never): repeated views cost no catalog or
   * permission round trip within it.
   */
  accessReuseMs?: number;
}): Promise<express.Router> {
  const {
    httpAuth,
    catalog,
    config,
    ladderService,
    overviewService,
    promotionService,
    permissionChecks,
  } = options;
  const readAccess = createReadAccessReuse(options.accessReuseMs ?? 0);
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  // A body that is not JSON is the caller's mistake; say so without echoing it.
  router.use(
    (
      error: Error & { type?: string },
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error.type === 'entity.parse.failed') {
        next(
          new InputError(
            'Invalid promotion request: the body is not valid JSON',
          ),
        );
        return;
      }
      next(error);
    },
  );

  // Reading through the catalog as the caller means an entity they cannot
  // see is a 404, exactly like one that does not exist.
  async function visibleEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ) {
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${ref.kind.toLocaleLowerCase('en-US')}:${ref.namespace}/${
          ref.name
        } in the catalog`,
      );
    }
    return entity;
  }

  async function readableEntity(req: express.Request) {
    const ref = parseEntityRef(req.params);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const key = readAccess.key(credentials, ref);
    const reused = readAccess.get(key);
    if (reused) return { entity: reused, credentials };
    const entity = await visibleEntity(ref, credentials);
    await permissionChecks.assertCanReadLadder(credentials, entity);
    readAccess.set(key, entity);
    return { entity, credentials };
  }

  // Which rungs accept a promotion of the entity: the rung rules and the
  // permission policy, decided once here, never again in a frontend.
  const promotionRungs = config.rungs.map(rung => ({
    name: rung.name,
    gate: rung.gate,
    preview: rung.kind === 'preview',
    freezes: rung.freezes,
  }));
  async function ladderPromotions(
    ladder: Ladder,
    entity: Entity,
    credentials: BackstageCredentials,
  ) {
    const candidates = config.rungs
      .filter(rung => rung.clusters.length > 0 && rung.kind !== 'preview')
      .map(rung => rung.name);
    const now = new Date();
    // The override permissions are asked only when they could change an answer:
    // a candidate rung frozen now, or an approval an emergency rollback could skip.
    const observed = promotionRungs.filter(rung =>
      candidates.includes(rung.name),
    );
    const ask = {
      freeze: observed.some(
        rung => findActiveFreeze(rung.freezes ?? [], now) !== null,
      ),
      emergency:
        config.rollbackEmergencyAllowed &&
        observed.some(rung => rung.gate.type === 'review-and-approval'),
    };
    // Only users promote (see POST /promotions); for a service reading the
    // ladder the permission question is not asked.
    const [promotions, permitted, overrides] = await Promise.all([
      promotionService.listForEntity(stringifyEntityRef(entity)),
      isUser(credentials)
        ? permissionChecks.promotableEnvironments(
            credentials,
            entity,
            candidates,
          )
        : null,
      isUser(credentials)
        ? permissionChecks.overridePermissions(credentials, entity, ask)
        : { mayOverrideFreeze: false, mayRollBackInEmergency: false },
    ]);
    const permittedSet = permitted ? new Set(permitted) : null;
    return {
      ...promotionTargets({
        ladder,
        rungs: promotionRungs,
        promotions,
        permitted: permittedSet,
        mayOverrideFreeze: overrides.mayOverrideFreeze,
        now,
      }),
      rollbackTargets: rollbackTargets({
        ladder,
        rungs: promotionRungs,
        promotions,
        permitted: permittedSet,
        emergencyAllowed: config.rollbackEmergencyAllowed,
        mayOverrideFreeze: overrides.mayOverrideFreeze,
        mayRollBackInEmergency: overrides.mayRollBackInEmergency,
        now,
      }),
    };
  }

  router.get('/entities/:kind/:namespace/:name/ladder', async (req, res) => {
    const { entity, credentials } = await readableEntity(req);
    const ladder = await ladderService.getLadder(entity);
    // Revalidate every time; the ETag (which Express derives from the body)
    // turns an unchanged ladder into a 304 without a body.
    res.set('Cache-Control', 'private, no-cache');
    if (ladder.notSetUp) {
      res.json(ladder);
      return;
    }
    // The ladder is what the clusters say; promotions come from the ledger. A
    // ledger that cannot be read (its database down) leaves the ladder readable,
    // without the promotions part, which the tab then says it cannot show.
    let promotions: LadderPromotions | undefined;
    try {
      promotions = await ladderPromotions(ladder, entity, credentials);
    } catch (error) {
      if (isError(error) && error.name === 'NotAllowedError') throw error;
      options.logger?.warn('Could not add the promotions to a ladder', {
        entityRef: ladder.entityRef,
        error: isError(error) ? error.message : String(error),
      });
    }
    res.json(promotions ? { ...ladder, promotions } : ladder);
  });

  router.get('/overview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const filter = parseOverviewQuery(req.query);
    res.set('Cache-Control', 'private, no-cache');
    res.json(await overviewService.getOverview({ credentials, filter }));
  });

  router.get('/metrics', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { entityRef, owner, days } = parseMetricsQuery(req.query);
    if (!options.metricsService) {
      throw new NotFoundError('Delivery metrics are not served here');
    }
    res.set('Cache-Control', 'private, no-cache');
    if (owner) {
      res.json(
        await options.metricsService.forOwner({ owner, credentials, days }),
      );
      return;
    }
    // One service: visible to the caller and its ladder readable, as for the tab.
    const [, kind, namespace, , name] = ENTITY_REF.exec(entityRef!)!;
    const entity = await visibleEntity({ kind, namespace, name }, credentials);
    await permissionChecks.assertCanReadLadder(credentials, entity);
    res.json(
      await options.metricsService.forEntities({ entities: [entity], days }),
    );
  });

  router.get(
    '/entities/:kind/:namespace/:name/promotions',
    async (req, res) => {
      const { entity } = await readableEntity(req);
      res.json({
        items: await promotionService.listForEntity(stringifyEntityRef(entity)),
      });
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/promotions/targets',
    async (req, res) => {
      const { entity, credentials } = await readableEntity(req);
      const candidates = config.rungs
        .filter(rung => rung.clusters.length > 0 && rung.kind !== 'preview')
        .map(rung => rung.name);
      const allowed = new Set(
        await permissionChecks.promotableEnvironments(
          credentials,
          entity,
          candidates,
        ),
      );
      res.json({
        targets: candidates.map(environment => ({
          environment,
          allowed: allowed.has(environment),
        })),
      });
    },
  );

  router.post('/promotions', async (req, res) => {
    // Only users request promotions: the scaffolder action calls on behalf of
    // its initiator, so the ledger records a person, never a service.
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = parse(promotionRequestBody, req.body, 'promotion request');
    if (request.emergency !== undefined && request.kind !== 'rollback') {
      throw new InputError(
        "Invalid promotion request: 'emergency' applies only to a rollback (kind: rollback)",
      );
    }
    const [, kind, namespace, , name] = ENTITY_REF.exec(request.entityRef)!;
    const entity = await visibleEntity({ kind, namespace, name }, credentials);
    await permissionChecks.assertCanPromote(
      credentials,
      entity,
      request.targetEnvironment,
    );
    if (request.overrideFreeze) {
      await permissionChecks.assertCanOverrideFreeze(credentials, entity);
    }
    if (request.emergency) {
      await permissionChecks.assertCanRollBackInEmergency(credentials, entity);
    }
    const response = await promotionService.request({
      request,
      entity,
      requestedBy: userRef(credentials),
    });
    res.status(response.created ? 201 : 200).json(response);
  });

  // CI brings its build into the lowest observed rung (issue 16.1). Only a caller with an
  // external access token (backend.auth.externalAccess, restricted to this plugin) may:
  // users promote through POST /promotions, and other plugins act for users.
  const ciRung = config.rungs.find(
    rung => rung.clusters.length > 0 && rung.kind !== 'preview',
  );
  router.post('/ci/promotions', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    // Another plugin's token names it `plugin:<id>`; an external access token names
    // the subject its config gives (the demo's: `external:ci`), recorded as requester.
    const subject = credentials.principal.subject;
    if (subject.startsWith('plugin:')) {
      throw new NotAllowedError(
        'Only CI promotes through this route, with an external access token (backend.auth.externalAccess)',
      );
    }
    const body = parse(
      ciPromotionRequestBody,
      req.body,
      'CI promotion request',
    );
    const [, kind, namespace, , name] = ENTITY_REF.exec(body.entityRef)!;
    // CI's token is restricted to this plugin, so Backstage refuses to forward it to the
    // catalog; the plugin reads the entity as itself (the token's restriction is the
    // authorization, and the rules decide the rest).
    const entity = await visibleEntity(
      { kind, namespace, name },
      options.auth
        ? await options.auth.getOwnServiceCredentials()
        : credentials,
    );
    const { commit, ...request } = body;
    const response = await promotionService.request({
      request: {
        ...request,
        targetEnvironment: request.targetEnvironment ?? ciRung?.name ?? '',
      },
      entity,
      requestedBy: subject,
      fromCi: true,
      ...(commit ? { sourceCommit: commit } : {}),
    });
    res.status(response.created ? 201 : 200).json(response);
  });

  router.post('/promotions/:id/approve', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { id } = parse(promotionIdParams, req.params, 'promotion id');
    const promotion = await promotionService.get(id);
    if (!promotion) {
      throw new NotFoundError(`No promotion ${id}`);
    }
    const [, kind, namespace, , name] =
      ENTITY_REF.exec(promotion.entityRef) ?? [];
    const entity = await visibleEntity({ kind, namespace, name }, credentials);
    // Approving is promoting: the approver needs the same permission.
    await permissionChecks.assertCanPromote(
      credentials,
      entity,
      promotion.targetEnvironment,
    );
    res.json({
      promotion: await promotionService.approve({
        id,
        approver: userRef(credentials),
      }),
    });
  });

  return router;
}
