import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security bookkeeping kept beside the event store:
 * - subject keys: one data key per data subject, wrapped by the master key; erasure deletes the
 *   key and keeps a tombstone saying who erased it and when (crypto-shredding);
 * - the personal-data access log (Data Protection Act 2018, s. 62), append-only;
 * - the role `soc_reader` that read-model queries run as, so that row-level security applies.
 */
export class CreateSecurity1764200000000 implements MigrationInterface {
  name = 'CreateSecurity1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS security`);
    await db.query(`
      CREATE TABLE security.subject_keys (
        subject_id   text PRIMARY KEY,
        wrapped_key  bytea,
        created_at   timestamptz NOT NULL DEFAULT now(),
        erased_at    timestamptz,
        erased_by_person_id       text,
        erased_by_organisation_id text,
        erasure_reason            text,
        CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL)),
        CHECK (erased_at IS NULL OR (erased_by_person_id IS NOT NULL
               AND erased_by_organisation_id IS NOT NULL AND erasure_reason IS NOT NULL)),
        CHECK (length(subject_id) <= 200 AND subject_id ~ '^[a-z][a-z0-9-]{0,62}:[A-Za-z0-9][A-Za-z0-9._-]*$'),
        CHECK (wrapped_key IS NULL OR octet_length(wrapped_key) = 60)
      )`);
    await db.query(`
      CREATE TABLE security.personal_data_access_log (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at                  timestamptz NOT NULL DEFAULT clock_timestamp(),
        person_id           text NOT NULL,
        organisation_id     text NOT NULL,
        roles               text[] NOT NULL,
        operation           text NOT NULL CHECK (operation IN
                              ('collection', 'alteration', 'consultation', 'disclosure',
                               'combination', 'erasure')),
        record_type         text NOT NULL,
        record_id           text NOT NULL,
        subject_ids         text[] NOT NULL,
        disclosed_to        text,
        purpose             text NOT NULL CHECK (length(purpose) BETWEEN 3 AND 500),
        request_id          text
      )`);
    await db.query(
      `CREATE INDEX personal_data_access_log_subjects
         ON security.personal_data_access_log USING gin (subject_ids)`,
    );
    await db.query(
      `CREATE INDEX personal_data_access_log_person ON security.personal_data_access_log (person_id, at)`,
    );
    await db.query(`
      CREATE FUNCTION security.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // An erasure is for good: a tombstone never gets a key back and is never removed.
    await db.query(`
      CREATE FUNCTION security.keep_erasures() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL
           AND NEW.subject_id = OLD.subject_id AND NEW.created_at = OLD.created_at THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'subject keys are only created and erased: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER subject_keys_erase_only BEFORE UPDATE OR DELETE ON security.subject_keys
        FOR EACH ROW EXECUTE FUNCTION security.keep_erasures()`);
    await db.query(`
      CREATE TRIGGER subject_keys_no_truncate BEFORE TRUNCATE ON security.subject_keys
        FOR EACH STATEMENT EXECUTE FUNCTION security.refuse_change()`);
    await db.query(`
      CREATE TRIGGER personal_data_access_log_append_only
        BEFORE UPDATE OR DELETE ON security.personal_data_access_log
        FOR EACH ROW EXECUTE FUNCTION security.refuse_change()`);
    await db.query(`
      CREATE TRIGGER personal_data_access_log_no_truncate
        BEFORE TRUNCATE ON security.personal_data_access_log
        FOR EACH STATEMENT EXECUTE FUNCTION security.refuse_change()`);
    // Roles are cluster-wide and several databases may run this at once: tolerate a twin.
    await db.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'soc_reader') THEN
          CREATE ROLE soc_reader NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await db.query(`
      DO $$
      BEGIN
        IF NOT pg_has_role(current_user, 'soc_reader', 'MEMBER') THEN
          EXECUTE format('GRANT soc_reader TO %I', current_user);
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // Row-level security policies of the read models call these with the caller's scope.
    await db.query(`
      CREATE FUNCTION security.caller_organisation() RETURNS text LANGUAGE sql STABLE AS $$
        SELECT nullif(current_setting('soc.organisation_id', true), '')
      $$`);
    await db.query(`
      CREATE FUNCTION security.caller_has_role(role text) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT role = ANY (string_to_array(coalesce(current_setting('soc.roles', true), ''), ','))
      $$`);
    await db.query(`GRANT USAGE ON SCHEMA security TO soc_reader`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP SCHEMA security CASCADE`);
  }
}
