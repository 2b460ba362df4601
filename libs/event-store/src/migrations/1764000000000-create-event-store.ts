import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: `events` takes appends concurrently with no global lock; the sealer copies
 * their order into `global_log`, a dense, hash-chained sequence every reader follows.
 */
export class CreateEventStore1764000000000 implements MigrationInterface {
  name = 'CreateEventStore1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await db.query(`
      CREATE TABLE event_store.events (
        seq                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id        xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id              uuid NOT NULL,
        stream_id             text NOT NULL,
        stream_type           text NOT NULL,
        stream_version        integer NOT NULL CHECK (stream_version > 0),
        event_type            text NOT NULL,
        schema_version        integer NOT NULL CHECK (schema_version > 0),
        occurred_at           timestamptz NOT NULL,
        recorded_at           timestamptz NOT NULL,
        actor_person_id       text NOT NULL,
        actor_organisation_id text NOT NULL,
        correlation_id        uuid NOT NULL,
        causation_id          uuid,
        payload               jsonb NOT NULL,
        previous_hash         text,
        hash                  text NOT NULL,
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
      )`);
    await db.query(`CREATE INDEX events_sealing_order ON event_store.events (transaction_id, seq)`);
    await db.query(`
      CREATE TABLE event_store.global_log (
        global_position bigint PRIMARY KEY CHECK (global_position > 0),
        seq             bigint NOT NULL UNIQUE REFERENCES event_store.events (seq),
        sealed_at       timestamptz NOT NULL,
        previous_hash   text,
        hash            text NOT NULL
      )`);
    await db.query(`CREATE INDEX global_log_sealed_at ON event_store.global_log (sealed_at)`);
    await db.query(`
      CREATE TABLE event_store.sealer_head (
        singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        transaction_id xid8 NOT NULL,
        seq            bigint NOT NULL
      )`);
    await db.query(`INSERT INTO event_store.sealer_head (transaction_id, seq) VALUES ('0', 0)`);
    await db.query(`
      CREATE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_store.% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['events', 'global_log']) {
      await db.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON event_store.${table}
        FOR EACH ROW EXECUTE FUNCTION event_store.refuse_change()`);
      await db.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON event_store.${table}
        FOR EACH STATEMENT EXECUTE FUNCTION event_store.refuse_change()`);
      await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON event_store.${table} FROM PUBLIC`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA event_store CASCADE`);
  }
}
