// @ts-check

/**
 * The promotion ledger: one row per promotion, and its history as events.
 *
 * At most one promotion per entity and target rung may be in flight. The database
 * decides that, not a read-then-write: `in_flight_key` holds `entity_ref|target` while
 * the promotion is in flight and NULL afterwards, under a UNIQUE index (NULLs never
 * collide, on SQLite and PostgreSQL alike).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('environment_ladder_promotions', table => {
    table.comment(
      'Promotions of an image digest from one rung of the ladder to the next',
    );
    table.uuid('id').primary().notNullable().comment('The promotion ID');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The promoted catalog entity');
    table
      .string('source_environment', 63)
      .notNullable()
      .comment('The rung the digest comes from');
    table
      .string('target_environment', 63)
      .notNullable()
      .comment('The rung the digest goes to');
    table
      .string('digest', 71)
      .notNullable()
      .comment('sha256: and 64 lowercase hex');
    table.text('reason').notNullable().comment("Why, in the requester's words");
    table
      .string('requested_by', 255)
      .notNullable()
      .comment("The requester's user entity ref");
    table
      .string('state', 32)
      .notNullable()
      .comment(
        'requested, pr-open, merged, running, verified, rejected, failed or superseded',
      );
    table
      .text('verdicts')
      .notNullable()
      .comment('JSON: the rules as checked at request time');
    table
      .text('pull_request_url')
      .nullable()
      .comment('The GitOps pull request');
    table.integer('pull_request_number').nullable();
    table
      .string('branch', 255)
      .nullable()
      .comment("The pull request's head branch");
    table
      .text('approvals')
      .notNullable()
      .comment('JSON: user entity refs of approvers');
    table
      .string('idempotency_key', 255)
      .nullable()
      .unique({
        indexName: 'environment_ladder_promotions_idempotency_key_uniq',
      })
      .comment('Retries with the same key get the same promotion');
    table
      .string('in_flight_key', 512)
      .nullable()
      .unique({ indexName: 'environment_ladder_promotions_in_flight_key_uniq' })
      .comment('entity_ref|target while in flight, else NULL');
    table.text('error').nullable().comment('Why it failed or was rejected');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'environment_ladder_promotions_entity_ref_idx');
  });

  await knex.schema.createTable(
    'environment_ladder_promotion_events',
    table => {
      table.comment(
        'The history of each promotion, one row per state it entered',
      );
      table.bigIncrements('id').primary().notNullable();
      table
        .uuid('promotion_id')
        .notNullable()
        .references('id')
        .inTable('environment_ladder_promotions')
        .onDelete('CASCADE')
        .comment('The promotion');
      table.string('state', 32).notNullable().comment('The state entered');
      table
        .text('message')
        .notNullable()
        .comment('What happened, in a sentence');
      table.timestamp('at', { useTz: true }).notNullable();
      table.index(
        ['promotion_id'],
        'environment_ladder_promotion_events_promotion_id_idx',
      );
    },
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('environment_ladder_promotion_events');
  await knex.schema.dropTable('environment_ladder_promotions');
};
