import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery bookkeeping: how far the relay has published the global log, and for each projection
 * its generations (a rebuild writes a new one), checkpoints, applied positions and dead letters.
 */
export class CreateDelivery1764100000000 implements MigrationInterface {
  name = 'CreateDelivery1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS delivery`);
    await db.query(`
      CREATE TABLE delivery.relay_position (
        singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        global_position bigint NOT NULL CHECK (global_position >= 0),
        published_at    timestamptz
      )`);
    await db.query(`INSERT INTO delivery.relay_position (global_position) VALUES (0)`);
    // The newest global position published to each partition: read-your-writes over Kafka.
    await db.query(`
      CREATE TABLE delivery.published_offsets (
        topic           text NOT NULL,
        partition       integer NOT NULL,
        global_position bigint NOT NULL,
        PRIMARY KEY (topic, partition)
      )`);
    await db.query(`
      CREATE TABLE delivery.projection_generations (
        projection   text NOT NULL,
        generation   integer NOT NULL CHECK (generation > 0),
        schema_name  text NOT NULL UNIQUE,
        status       text NOT NULL CHECK (status IN ('building', 'active', 'retired')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        PRIMARY KEY (projection, generation)
      )`);
    await db.query(`
      CREATE UNIQUE INDEX projection_generations_one_active
        ON delivery.projection_generations (projection) WHERE status = 'active'`);
    await db.query(`
      CREATE TABLE delivery.projection_checkpoints (
        projection      text NOT NULL,
        generation      integer NOT NULL,
        source          text NOT NULL,
        partition       integer NOT NULL,
        position        bigint NOT NULL,
        global_position bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, generation, source, partition),
        FOREIGN KEY (projection, generation)
          REFERENCES delivery.projection_generations ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE TABLE delivery.projection_applied (
        projection      text NOT NULL,
        generation      integer NOT NULL,
        global_position bigint NOT NULL,
        PRIMARY KEY (projection, generation, global_position),
        FOREIGN KEY (projection, generation)
          REFERENCES delivery.projection_generations ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE TABLE delivery.dead_letters (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        projection      text NOT NULL,
        source          text NOT NULL,
        partition       integer NOT NULL,
        position        bigint NOT NULL,
        global_position bigint,
        event_id        text,
        event_type      text,
        message         text NOT NULL,
        error           text NOT NULL,
        attempts        integer NOT NULL,
        dead_at         timestamptz NOT NULL DEFAULT now(),
        replayed_at     timestamptz
      )`);
    await db.query(
      `CREATE INDEX dead_letters_waiting ON delivery.dead_letters (projection) WHERE replayed_at IS NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA delivery CASCADE`);
  }
}
