import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  isPromotionInFlight,
  isPromotionTerminal,
  type Promotion,
  type PromotionEvent,
  type PromotionPullRequest,
  type PromotionState,
} from '@environment-ladder/plugin-environment-ladder-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  NewPromotion,
  PromotionClaim,
  PromotionPatch,
  PromotionStore,
} from './types';

const PROMOTIONS = 'environment_ladder_promotions';
const EVENTS = 'environment_ladder_promotion_events';

const migrationsDir = resolvePackagePath(
  '@environment-ladder/plugin-environment-ladder-backend',
  'migrations',
);

/** The steps the ledger allows; anything else is refused. */
const NEXT_STATES: Record<PromotionState, PromotionState[]> = {
  requested: ['pr-open', 'rejected', 'failed', 'superseded'],
  'pr-open': ['merged', 'rejected', 'failed', 'superseded'],
  merged: ['running', 'failed', 'superseded'],
  running: ['verified', 'failed', 'superseded'],
  verified: [],
  rejected: [],
  failed: [],
  superseded: [],
};

// A lost race on the in-flight key can meet a promotion that finished in between.
const CREATE_ATTEMPTS = 3;

type PromotionRow = {
  id: string;
  entity_ref: string;
  source_environment: string;
  target_environment: string;
  digest: string;
  reason: string;
  requested_by: string;
  state: string;
  verdicts: string;
  pull_request_url: string | null;
  pull_request_number: number | null;
  branch: string | null;
  approvals: string;
  idempotency_key: string | null;
  in_flight_key: string | null;
  error: string | null;
  claimed_by: string | null;
  claim_expires_at: number | string | null;
  kind?: string | null;
  emergency?: boolean | number | null;
  source_commit_sha?: string | null;
  source_committed_at?: Date | string | number | null;
  created_at: Date | string | number;
  updated_at: Date | string | number;
};

type EventRow = {
  id: number;
  promotion_id: string;
  state: string;
  message: string;
  at: Date | string | number;
};

/**
 * Creates the promotion ledger over the plugin's database, running its migrations
 * first unless the database service says to skip them.
 */
export async function createPromotionStore(options: {
  database: DatabaseService;
  now?: () => Date;
}): Promise<PromotionStore> {
  const { database } = options;
  const now = options.now ?? (() => new Date());
  const db = await database.getClient();
  if (!database.migrations?.skip) {
    await db.migrate.latest({ directory: migrationsDir });
  }

  async function load(
    rows: PromotionRow[],
    client: Knex = db,
  ): Promise<Promotion[]> {
    if (rows.length === 0) return [];
    const events: EventRow[] = await client(EVENTS)
      .whereIn(
        'promotion_id',
        rows.map(row => row.id),
      )
      .orderBy('id', 'asc');
    const byPromotion = new Map<string, PromotionEvent[]>();
    for (const event of events) {
      const list = byPromotion.get(event.promotion_id) ?? [];
      list.push({
        state: event.state as PromotionState,
        at: toIso(event.at),
        message: event.message,
      });
      byPromotion.set(event.promotion_id, list);
    }
    return rows.map(row => toPromotion(row, byPromotion.get(row.id) ?? []));
  }

  async function getRow(id: string, client: Knex = db) {
    return (await client<PromotionRow>(PROMOTIONS).where({ id }).first()) as
      | PromotionRow
      | undefined;
  }

  async function mustGet(id: string, client: Knex = db): Promise<Promotion> {
    const row = await getRow(id, client);
    if (!row) throw new NotFoundError(`No promotion with id ${id}`);
    return (await load([row], client))[0];
  }

  /** The existing promotion for an idempotency key, checked to be for the same request. */
  async function findByKey(
    input: Pick<
      NewPromotion,
      'idempotencyKey' | 'entityRef' | 'targetEnvironment'
    >,
  ) {
    if (!input.idempotencyKey) return undefined;
    const row = (await db<PromotionRow>(PROMOTIONS)
      .where({ idempotency_key: input.idempotencyKey })
      .first()) as PromotionRow | undefined;
    if (!row) return undefined;
    if (
      row.entity_ref !== input.entityRef ||
      row.target_environment !== input.targetEnvironment
    ) {
      throw new ConflictError(
        `The idempotency key was already used for a promotion of ${row.entity_ref} to ${row.target_environment}`,
      );
    }
    return (await load([row]))[0];
  }

  async function insert(
    input: NewPromotion,
    claim: PromotionClaim | undefined,
  ): Promise<Promotion> {
    const at = now();
    const id = randomUUID();
    await db.transaction(async tx => {
      await tx(PROMOTIONS).insert({
        id,
        entity_ref: input.entityRef,
        source_environment: input.sourceEnvironment,
        target_environment: input.targetEnvironment,
        digest: input.digest,
        reason: input.reason,
        requested_by: input.requestedBy,
        state: 'requested',
        verdicts: JSON.stringify(input.verdicts ?? []),
        pull_request_url: null,
        pull_request_number: null,
        branch: null,
        approvals: '[]',
        idempotency_key: input.idempotencyKey ?? null,
        in_flight_key: inFlightKey(input.entityRef, input.targetEnvironment),
        error: null,
        claimed_by: claim?.owner ?? null,
        claim_expires_at: claim ? at.getTime() + claim.durationMs : null,
        kind: input.kind ?? 'promotion',
        emergency: input.emergency === true,
        source_commit_sha: input.sourceCommit?.sha ?? null,
        source_committed_at: input.sourceCommit
          ? new Date(input.sourceCommit.committedAt)
          : null,
        created_at: at,
        updated_at: at,
      });
      await tx(EVENTS).insert({
        promotion_id: id,
        state: 'requested',
        message: `requested by ${input.requestedBy}`,
        at,
      });
    });
    return mustGet(id);
  }

  return withUnreachableDatabase({
    async create(input, claim) {
      if (input.idempotencyKey !== undefined) {
        if (
          typeof input.idempotencyKey !== 'string' ||
          input.idempotencyKey.length === 0 ||
          input.idempotencyKey.length > 255
        ) {
          throw new InputError(
            'The idempotency key must be between 1 and 255 characters long',
          );
        }
      }
      for (let attempt = 1; ; attempt++) {
        const existing = await findByKey(input);
        if (existing) return { promotion: existing, created: false };
        try {
          return { promotion: await insert(input, claim), created: true };
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
        }
        // Lost a race: either the same key was recorded meanwhile, or another
        // promotion to the same target is in flight.
        const raced = await findByKey(input);
        if (raced) return { promotion: raced, created: false };
        const blocking = (await db<PromotionRow>(PROMOTIONS)
          .where({
            in_flight_key: inFlightKey(
              input.entityRef,
              input.targetEnvironment,
            ),
          })
          .first()) as PromotionRow | undefined;
        if (blocking) {
          throw new ConflictError(
            `A promotion of ${input.entityRef} to ${
              input.targetEnvironment
            } is already in flight (${
              blocking.pull_request_number
                ? `pull request #${blocking.pull_request_number}`
                : `requested by ${blocking.requested_by}`
            }, state ${
              blocking.state
            }); wait until it is verified or has failed`,
          );
        }
        if (attempt >= CREATE_ATTEMPTS) {
          throw new ConflictError(
            `Could not record the promotion of ${input.entityRef} to ${input.targetEnvironment}: it kept conflicting with concurrent requests`,
          );
        }
      }
    },

    async claim(id, claim) {
      checkClaim(claim);
      const at = now().getTime();
      const taken = await db(PROMOTIONS)
        .where({ id })
        .whereNotNull('in_flight_key')
        .andWhere(free =>
          free
            .whereNull('claimed_by')
            .orWhere('claimed_by', claim.owner)
            .orWhere('claim_expires_at', '<', at),
        )
        .update({
          claimed_by: claim.owner,
          claim_expires_at: at + claim.durationMs,
        });
      return taken === 1;
    },

    async renewClaim(id, claim) {
      checkClaim(claim);
      const renewed = await db(PROMOTIONS)
        .where({ id, claimed_by: claim.owner })
        .update({ claim_expires_at: now().getTime() + claim.durationMs });
      return renewed === 1;
    },

    async releaseClaim(id, owner) {
      await db(PROMOTIONS)
        .where({ id, claimed_by: owner })
        .update({ claimed_by: null, claim_expires_at: null });
    },

    findByIdempotencyKey: input => findByKey(input),

    async get(id) {
      const row = await getRow(id);
      return row ? (await load([row]))[0] : undefined;
    },

    async listForEntity(entityRef) {
      const rows: PromotionRow[] = await db<PromotionRow>(PROMOTIONS)
        .where({ entity_ref: entityRef })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      return load(rows);
    },

    async listInFlight() {
      const rows: PromotionRow[] = await db<PromotionRow>(PROMOTIONS)
        .whereNotNull('in_flight_key')
        .orderBy([
          { column: 'created_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
      return load(rows);
    },

    async transition(id, state, message, patch = {}) {
      if (!(state in NEXT_STATES)) {
        throw new InputError(
          `Unknown promotion state ${JSON.stringify(state)}`,
        );
      }
      return db.transaction(async tx => {
        const row = await getRow(id, tx);
        if (!row) throw new NotFoundError(`No promotion with id ${id}`);
        const from = row.state as PromotionState;
        if (isPromotionTerminal(from)) {
          throw new ConflictError(
            `Promotion ${id} is ${from}, a final state; it cannot become ${state}`,
          );
        }
        if (!NEXT_STATES[from]?.includes(state)) {
          throw new ConflictError(
            `Promotion ${id} cannot go from ${from} to ${state}`,
          );
        }
        const at = now();
        const changes: Record<string, unknown> = {
          state,
          updated_at: at,
          in_flight_key: isPromotionInFlight(state)
            ? inFlightKey(row.entity_ref, row.target_environment)
            : null,
          // A finished promotion is nobody's to advance.
          ...(isPromotionInFlight(state)
            ? {}
            : { claimed_by: null, claim_expires_at: null }),
          ...patchColumns(patch),
        };
        // Compare-and-set on the state: a concurrent transition makes this one fail.
        const updated = await tx(PROMOTIONS)
          .where({ id, state: from })
          .update(changes);
        if (updated !== 1) {
          throw new ConflictError(
            `Promotion ${id} changed while moving it to ${state}; try again`,
          );
        }
        await tx(EVENTS).insert({ promotion_id: id, state, message, at });
        return mustGet(id, tx);
      });
    },

    async recordApproval(id, approver) {
      return db.transaction(async tx => {
        const row = await getRow(id, tx);
        if (!row) throw new NotFoundError(`No promotion with id ${id}`);
        if (row.state !== 'requested') {
          throw new ConflictError(
            `Promotion ${id} is ${row.state}; only a requested promotion can be approved`,
          );
        }
        const approvals: string[] = JSON.parse(row.approvals ?? '[]');
        if (!approvals.includes(approver)) approvals.push(approver);
        const at = now();
        // Compare-and-set on the state, as for transitions.
        const updated = await tx(PROMOTIONS)
          .where({ id, state: 'requested' })
          .update({ approvals: JSON.stringify(approvals), updated_at: at });
        if (updated !== 1) {
          throw new ConflictError(
            `Promotion ${id} changed while approving it; try again`,
          );
        }
        await tx(EVENTS).insert({
          promotion_id: id,
          state: 'requested',
          message: `approved by ${approver}`,
          at,
        });
        return mustGet(id, tx);
      });
    },

    async setPullRequest(id, pullRequest) {
      return db.transaction(async tx => {
        const row = await getRow(id, tx);
        if (!row) throw new NotFoundError(`No promotion with id ${id}`);
        if (isPromotionTerminal(row.state)) {
          throw new ConflictError(
            `Promotion ${id} is ${row.state}, a final state; its pull request cannot change`,
          );
        }
        await tx(PROMOTIONS)
          .where({ id })
          .update({ ...patchColumns({ pullRequest }), updated_at: now() });
        return mustGet(id, tx);
      });
    },
  });
}

/**
 * Driver error codes of a database that cannot be reached right now: the network
 * (Node), and PostgreSQL's connection exceptions (08xxx), shutdowns (57P0x) and
 * too_many_connections (53300).
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** What knex (its pool) and pg say when there is no connection to be had. */
const UNREACHABLE_MESSAGE =
  /Unable to acquire a connection|Timeout acquiring a connection|Connection terminated|not queryable|Connection ended unexpectedly/i;

/**
 * The store's methods, each turning a database that cannot be reached into a
 * ServiceUnavailableError (503, try again) instead of the driver's error (a 500 whose
 * body would carry the database's address). Only the driver's error code is kept, for
 * whoever reads the log line of the 503; the driver's error is not attached as the
 * cause, because the error middleware would serialize it into the response.
 */
function withUnreachableDatabase(store: PromotionStore): PromotionStore {
  const guarded: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(store)) {
    guarded[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (error) {
        const {
          code,
          name: errorName,
          message,
        } = (error ?? {}) as {
          code?: unknown;
          name?: unknown;
          message?: unknown;
        };
        const unreachable =
          (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
          errorName === 'KnexTimeoutError' ||
          (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message));
        if (!unreachable) throw error;
        const reason =
          typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)
            ? code
            : 'no connection';
        throw new ServiceUnavailableError(
          `The promotion ledger is unavailable (${reason}); try again later`,
        );
      }
    };
  }
  return guarded as unknown as PromotionStore;
}

function checkClaim(claim: PromotionClaim) {
  if (
    typeof claim?.owner !== 'string' ||
    claim.owner.length === 0 ||
    claim.owner.length > 64 ||
    !(claim.durationMs > 0)
  ) {
    throw new InputError(
      'A claim needs an owner of 1-64 characters and a duration',
    );
  }
}

function inFlightKey(entityRef: string, targetEnvironment: string): string {
  return `${entityRef}|${targetEnvironment}`;
}

function patchColumns(patch: PromotionPatch): Partial<PromotionRow> {
  const columns: Partial<PromotionRow> = {};
  if (patch.error !== undefined) columns.error = patch.error;
  if (patch.approvals !== undefined) {
    columns.approvals = JSON.stringify(patch.approvals);
  }
  if (patch.pullRequest !== undefined) {
    const pr: PromotionPullRequest | null = patch.pullRequest;
    columns.pull_request_url = pr?.url ?? null;
    columns.pull_request_number = pr?.number ?? null;
    columns.branch = pr?.branch ?? null;
  }
  return columns;
}

function toPromotion(row: PromotionRow, history: PromotionEvent[]): Promotion {
  return {
    id: row.id,
    kind: row.kind === 'rollback' ? 'rollback' : 'promotion',
    // SQLite answers 0 or 1, PostgreSQL a boolean.
    ...(row.emergency ? { emergency: true } : {}),
    ...(row.source_commit_sha && row.source_committed_at
      ? {
          sourceCommit: {
            sha: row.source_commit_sha,
            committedAt: toIso(row.source_committed_at),
          },
        }
      : {}),
    entityRef: row.entity_ref,
    sourceEnvironment: row.source_environment,
    targetEnvironment: row.target_environment,
    digest: row.digest,
    reason: row.reason,
    requestedBy: row.requested_by,
    state: row.state as PromotionState,
    verdicts: parseJsonArray(row.verdicts),
    pullRequest:
      row.pull_request_url && row.pull_request_number !== null && row.branch
        ? {
            url: row.pull_request_url,
            number: Number(row.pull_request_number),
            branch: row.branch,
          }
        : null,
    approvals: parseJsonArray(row.approvals),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    history,
    error: row.error,
  };
}

function parseJsonArray<T>(text: string): T[] {
  try {
    const value = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** Timestamps come back as Date (PostgreSQL), epoch milliseconds or text (SQLite). */
function toIso(value: Date | string | number): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  const parsed = new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`,
  );
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

function isUniqueViolation(error: unknown): boolean {
  const { code, message } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    (typeof message === 'string' &&
      /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(
        message,
      ))
  );
}
