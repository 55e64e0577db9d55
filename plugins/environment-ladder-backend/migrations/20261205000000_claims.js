// @ts-check

/**
 * Claims: which worker (a request, an approval, a reconciler pass, on any replica) is
 * advancing a promotion right now, and until when. A claim is taken and renewed with one
 * compare-and-set UPDATE, which works alike on SQLite and PostgreSQL; a worker renews it
 * while it works, so that it outlives any fixed grace, and a crashed worker's claim
 * expires, so that another replica resumes the promotion.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table
      .string('claimed_by', 64)
      .nullable()
      .comment('The worker advancing the promotion now, if any');
    table
      .bigInteger('claim_expires_at')
      .nullable()
      .comment('Epoch milliseconds after which the claim may be taken over');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table.dropColumn('claimed_by');
    table.dropColumn('claim_expires_at');
  });
};
