import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The counters of the rate limits when `RATE_LIMIT_STORE=postgres`, shared by every instance.
 * The table has the shape `RateLimiterPostgres` (rate-limiter-flexible) writes to, columns in
 * its order (it inserts by position): `key` is the limiter's prefix and the tracker, `points`
 * the requests counted in the current window, `expire` when that window ends (epoch ms). The
 * library is told the table exists and never creates it.
 *
 * UNLOGGED: counters are worth nothing after a crash (PostgreSQL empties the table then), so
 * their many small writes skip the WAL. Only the primary key is indexed, so the updates of
 * `points` and `expire` stay HOT; expired rows are deleted every few minutes by the application.
 */
export class CreateRateLimits1764250000000 implements MigrationInterface {
  name = 'CreateRateLimits1764250000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS api`);
    await db.query(`
      CREATE UNLOGGED TABLE api.rate_limits (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE api.rate_limits`);
  }
}
