import type {
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { PermissionChecks } from './permissions/createPermissionChecks';
import type { LadderService } from './services/LadderService/types';

/** Entity reference parts as the catalog allows them; anything else never reaches a cluster. */
const entityRefParams = z.object({
  kind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/),
  namespace: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  name: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/),
});

/** Parses route parameters, turning a mismatch into a 400 that names the parameter. */
function parseEntityRef(params: unknown) {
  const parsed = entityRefParams.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `Invalid entity reference: '${issue.path.join('.')}' is not a valid catalog ${issue.path.join('.')}`,
    );
  }
  return parsed.data;
}

/** Creates the plugin's router: parse and validate input, call services, nothing else. */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  ladderService: LadderService;
  permissionChecks: PermissionChecks;
}): Promise<express.Router> {
  const { httpAuth, catalog, ladderService, permissionChecks } = options;
  const router = Router();
  router.use(express.json());

  router.get(
    '/entities/:kind/:namespace/:name/ladder',
    async (req, res) => {
      const ref = parseEntityRef(req.params);
      const credentials = await httpAuth.credentials(req, { allow: ['user', 'service'] });
      // Reading through the catalog as the caller means an entity they cannot
      // see is a 404, exactly like one that does not exist.
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity) {
        throw new NotFoundError(
          `No entity ${ref.kind}:${ref.namespace}/${ref.name} in the catalog`,
        );
      }
      await permissionChecks.assertCanReadLadder(credentials, entity);
      res.json(await ladderService.getLadder(entity));
    },
  );

  return router;
}
