import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feed tokens: a secret a calendar or mail client puts in a feed's URL instead of a bearer
 * header. Only a SHA-256 of each is kept, with the person and organisation it reads as; one
 * live token per person, organisation and feed; revoked tokens stay, marked.
 */
export class CreateFeedTokens1765200000000 implements MigrationInterface {
  name = 'CreateFeedTokens1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE security.feed_tokens (
        token_hash      bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
        feed            text NOT NULL CHECK (feed ~ '^[a-z][a-z0-9-]{0,62}$'),
        person_id       text NOT NULL,
        organisation_id text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        revoked_at      timestamptz
      )`);
    await db.query(`
      CREATE UNIQUE INDEX feed_tokens_live ON security.feed_tokens (feed, person_id, organisation_id)
        WHERE revoked_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE security.feed_tokens`);
  }
}
