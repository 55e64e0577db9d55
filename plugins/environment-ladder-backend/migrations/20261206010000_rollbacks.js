// @ts-check

/**
 * Rollbacks: a ledger entry is a `promotion` (a digest moves up from the rung below) or
 * a `rollback` (a rung goes back to a digest it ran before). Rows recorded before
 * rollbacks existed are promotions. `emergency` records that a rollback skipped the
 * rung's approval (allowed by config and a permission), so that every worker (the
 * request, the reconciler, on any replica) knows not to wait for one, and the ledger
 * keeps who skipped it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table
      .string('kind', 16)
      .notNullable()
      .defaultTo('promotion')
      .comment('promotion or rollback');
    table
      .boolean('emergency')
      .notNullable()
      .defaultTo(false)
      .comment('True when an emergency rollback skipped the approval');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table.dropColumn('kind');
    table.dropColumn('emergency');
  });
};
