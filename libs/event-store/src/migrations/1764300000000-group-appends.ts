import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Concurrent appends share one INSERT (see AppendBatcher). The statement skips rows that hit a
 * unique constraint, so an append of several events could be stored in part; this function,
 * called only in that case, undoes the whole statement, keeping every append all or nothing.
 */
export class GroupAppends1764300000000 implements MigrationInterface {
  name = 'GroupAppends1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION event_store.refuse_partial_append(stored bigint, wanted bigint)
        RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION 'an append would be stored in part (% of % events); nothing was stored',
          stored, wanted USING ERRCODE = 'unique_violation';
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION event_store.refuse_partial_append(bigint, bigint)`);
  }
}
