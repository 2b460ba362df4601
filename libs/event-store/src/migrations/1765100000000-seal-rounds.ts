import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APPEND_LOCK, SEAL_ROUND_LOCK } from '../seal-locks.js';

/**
 * The horizon of appends, not of every writer. A row may be sealed once no transaction that could
 * still add an earlier row is running; that used to be every transaction in the cluster (the
 * snapshot's xmin), so a projection's, an access log's or any other write transaction held
 * sealing back while it ran. Now only appends count: each transaction that inserts events takes
 * a shared advisory lock before its first write (a statement trigger, so no caller can forget),
 * and the horizon is the oldest transaction id among those holding it, or the snapshot's xmax when
 * none does. A transaction that wrote elsewhere before its first append is refused: its id may
 * already lie below a horizon taken meanwhile. Appends run in transactions of their own.
 *
 * One sealing round in one statement: read the head, take the finished rows past it, chain their
 * links and write them, in one round trip and one commit (it was two round trips: read the
 * candidates, then write). The link hash is the one `globalLinkHash` computes, so verification is
 * unchanged: SHA-256 over `{"eventHash":..,"globalPosition":..,"previousHash":..,"sealedAt":..}`.
 *
 * Rounds take a transaction-level lock, so they run one after the other even when two instances
 * both believe they lead (a lease handover). The candidates are read before anything is written,
 * so a round holds no transaction id while the horizon is taken. The head moves only if it is
 * still where it was read (`consumed` -1 otherwise).
 */
export class SealRounds1765100000000 implements MigrationInterface {
  name = 'SealRounds1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION event_store.take_append_lock() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('event_store.appending', true) = 'on' THEN
          RETURN NULL;
        END IF;
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'events are appended in a transaction of their own, or one whose first write they are'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'a transaction that wrote before its first append may already lie below the sealer''s horizon';
        END IF;
        PERFORM pg_advisory_xact_lock_shared(${APPEND_LOCK});
        PERFORM set_config('event_store.appending', 'on', true);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER events_take_append_lock BEFORE INSERT ON event_store.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_store.take_append_lock()`);
    await db.query(`
      CREATE FUNCTION event_store.append_horizon() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        snapshot pg_snapshot := pg_current_snapshot();
        this_database oid := (SELECT oid FROM pg_database WHERE datname = current_database());
        horizon xid8;
      BEGIN
        -- Read after the snapshot: an append that had its transaction id by then held the lock
        -- (taken before its first write) and is among these; one that had none gets an id above
        -- the snapshot's xmax.
        SELECT min(x) INTO horizon
          FROM pg_snapshot_xip(snapshot) AS x
         WHERE (x::text::bigint % 4294967296) IN (
           SELECT t.transactionid::text::bigint
             FROM pg_locks a
             JOIN pg_locks t ON t.virtualtransaction = a.virtualtransaction
            WHERE a.locktype = 'advisory' AND a.database = this_database
              AND a.classid = 0 AND a.objid = ${APPEND_LOCK}
              AND a.objsubid = 1 AND a.granted
              AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted);
        RETURN coalesce(horizon, pg_snapshot_xmax(snapshot));
      END $$`);
    await db.query(`
      CREATE FUNCTION event_store.seal_next(batch_size integer)
        RETURNS TABLE (restored boolean, consumed integer, first_position bigint, seqs bigint[])
        LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        head_xid xid8;
        head_seq bigint;
        newest_position bigint;
        newest_hash text;
        newest_sealed_at timestamptz;
        seal_moment timestamptz;
        sealed_at_text text;
        candidate record;
        n integer := 0;
        last_xid xid8;
        last_seq bigint;
        link_seqs bigint[] := '{}';
        link_positions bigint[] := '{}';
        link_previous text[] := '{}';
        link_hashes text[] := '{}';
        next_position bigint;
        previous text;
        link text;
        horizon xid8;
      BEGIN
        -- One round at a time: a round waiting here starts the moment the one before commits, and
        -- its statements below see that round's head and links.
        PERFORM pg_advisory_xact_lock(${SEAL_ROUND_LOCK});
        SELECT h.transaction_id, h.seq INTO head_xid, head_seq FROM event_store.sealer_head h;
        IF head_xid >= pg_snapshot_xmax(pg_current_snapshot()) THEN
          RETURN QUERY SELECT true, 0, 0::bigint, '{}'::bigint[];
          RETURN;
        END IF;
        horizon := event_store.append_horizon();
        SELECT g.global_position, g.hash, g.sealed_at
          INTO newest_position, newest_hash, newest_sealed_at
          FROM event_store.global_log g ORDER BY g.global_position DESC LIMIT 1;
        next_position := coalesce(newest_position, 0);
        previous := newest_hash;
        -- sealed_at never goes backwards, so "the log as of T" is always a prefix of the log.
        seal_moment := greatest(date_trunc('milliseconds', clock_timestamp()), newest_sealed_at);
        sealed_at_text := to_char(seal_moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
        -- Rows a restore brought back may sit past the head though already sealed: each candidate
        -- (taken by the head index, LIMIT first) is probed against the log, never sealed twice.
        -- The probe is a LATERAL lookup by index: as an EXISTS, the planner may hash the whole
        -- log's seqs for every round, a cost that grows with the log.
        FOR candidate IN
          WITH next AS MATERIALIZED (
            SELECT e.seq, e.transaction_id, e.hash FROM event_store.events e
             WHERE (e.transaction_id, e.seq) > (head_xid, head_seq)
               AND e.transaction_id < horizon
             ORDER BY e.transaction_id, e.seq
             LIMIT batch_size)
          SELECT c.seq, c.transaction_id, c.hash, s.sealed IS NOT NULL AS sealed
            FROM next c
            LEFT JOIN LATERAL (
              SELECT true AS sealed FROM event_store.global_log g WHERE g.seq = c.seq LIMIT 1) s
              ON true
           ORDER BY c.transaction_id, c.seq
        LOOP
          n := n + 1;
          last_xid := candidate.transaction_id;
          last_seq := candidate.seq;
          CONTINUE WHEN candidate.sealed;
          next_position := next_position + 1;
          link := encode(sha256(convert_to(
            '{"eventHash":"' || candidate.hash || '","globalPosition":' || next_position ||
            ',"previousHash":' || coalesce('"' || previous || '"', 'null') ||
            ',"sealedAt":"' || sealed_at_text || '"}', 'UTF8')), 'hex');
          link_seqs := link_seqs || candidate.seq;
          link_positions := link_positions || next_position;
          link_previous := link_previous || previous;
          link_hashes := link_hashes || link;
          previous := link;
        END LOOP;
        IF n = 0 THEN
          RETURN QUERY SELECT false, 0, 0::bigint, '{}'::bigint[];
          RETURN;
        END IF;
        UPDATE event_store.sealer_head SET transaction_id = last_xid, seq = last_seq
         WHERE transaction_id = head_xid AND seq = head_seq;
        IF NOT FOUND THEN
          RETURN QUERY SELECT false, -1, 0::bigint, '{}'::bigint[];
          RETURN;
        END IF;
        INSERT INTO event_store.global_log (global_position, seq, sealed_at, previous_hash, hash)
        SELECT t.position, t.seq, seal_moment, t.previous_hash, t.hash
          FROM unnest(link_positions, link_seqs, link_previous, link_hashes)
            AS t(position, seq, previous_hash, hash);
        RETURN QUERY SELECT false, n, coalesce(newest_position, 0) + 1, link_seqs;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION event_store.seal_next(integer)`);
    await db.query(`DROP FUNCTION event_store.append_horizon()`);
    await db.query(`DROP TRIGGER events_take_append_lock ON event_store.events`);
    await db.query(`DROP FUNCTION event_store.take_append_lock()`);
  }
}
