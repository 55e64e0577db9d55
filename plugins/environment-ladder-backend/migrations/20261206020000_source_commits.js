// @ts-check

/**
 * The commit a digest was built from, as CI says when it brings the digest into the
 * ladder (POST /ci/promotions). Delivery metrics measure lead time from it; rows
 * without one (every other promotion) leave it null.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table
      .string('source_commit_sha', 40)
      .nullable()
      .comment('The commit CI built the digest from (CI promotions only)');
    table
      .timestamp('source_committed_at', { useTz: true })
      .nullable()
      .comment('When that commit was made, as CI said');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('environment_ladder_promotions', table => {
    table.dropColumn('source_commit_sha');
    table.dropColumn('source_committed_at');
  });
};
