import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API bookkeeping: the answers given to commands sent with an `Idempotency-Key`, so that a
 * retried command is answered again instead of run again. Rows expire after a day.
 */
export class CreateIdempotencyKeys1764150000000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764150000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS api`);
    await db.query(`
      CREATE TABLE api.idempotency_keys (
        principal        text NOT NULL,
        key              text NOT NULL CHECK (key ~ '^[A-Za-z0-9_.:-]{1,200}$'),
        method           text NOT NULL,
        path             text NOT NULL,
        request_hash     text NOT NULL,
        status           text NOT NULL CHECK (status IN ('in-progress', 'completed')),
        response_status  integer CHECK (response_status BETWEEN 100 AND 599),
        response_body    jsonb,
        response_headers jsonb,
        created_at       timestamptz NOT NULL DEFAULT now(),
        completed_at     timestamptz,
        PRIMARY KEY (principal, key),
        CHECK ((status = 'completed') = (response_status IS NOT NULL AND completed_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX idempotency_keys_created_at ON api.idempotency_keys (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA api CASCADE`);
  }
}
