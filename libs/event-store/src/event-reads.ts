import type { Pool } from 'pg';
import type { EventTypeRegistry } from './event-type-registry.js';
import type { RecordedEvent } from './recorded-event.js';
import { isoFromUtcText, STORED_EVENT_COLUMNS, type StoredEventRow } from './stored-event.js';

/** A stored event with its place in the global log, if sealed. */
export type EventRow = StoredEventRow & { global_position: string | null };

/**
 * The reading side of the event store: streams, the global log and positions in it. Rows come
 * back as recorded events under their type's current name, upcast to its newest schema version;
 * the stored form (what hashes cover) is left to the integrity verifier.
 */
export class EventReads {
  constructor(
    private readonly pool: Pool,
    private readonly registry: EventTypeRegistry,
  ) {}

  /** Rows of one stream, oldest first, from a version (exclusive). Includes not-yet-sealed rows. */
  async streamRows(streamId: string, afterVersion: number): Promise<EventRow[]> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'event-store-read-stream',
      text: `SELECT ${STORED_EVENT_COLUMNS}, g.global_position FROM event_store.events e
               LEFT JOIN event_store.global_log g ON g.seq = e.seq
              WHERE e.stream_id = $1 AND e.stream_version > $2 ORDER BY e.stream_version`,
      values: [streamId, afterVersion],
    });
    return rows;
  }

  /** The row of one event by its id (unique across the store), sealed or not. */
  async eventRow(eventId: string): Promise<EventRow | null> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'event-store-read-event',
      text: `SELECT ${STORED_EVENT_COLUMNS}, g.global_position FROM event_store.events e
               LEFT JOIN event_store.global_log g ON g.seq = e.seq
              WHERE e.event_id = $1::uuid`,
      values: [eventId],
    });
    return rows[0] ?? null;
  }

  /** A batch of the global log after a position (exclusive), in order; optionally up to a position. */
  async readAll(
    options: { after?: number; limit?: number; upTo?: number } = {},
  ): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'event-store-read-all',
      text: `SELECT ${STORED_EVENT_COLUMNS}, g.global_position
               FROM (SELECT global_position, seq FROM event_store.global_log
                      WHERE global_position > $1 AND global_position <= $2
                      ORDER BY global_position LIMIT $3) g
               JOIN event_store.events e ON e.seq = g.seq
              ORDER BY g.global_position`,
      values: [options.after ?? 0, options.upTo ?? Number.MAX_SAFE_INTEGER, options.limit ?? 1000],
    });
    return rows.map((row) => this.toRecorded(row));
  }

  /** Whether a row is stored at this seq, and its global position if sealed; null when none is. */
  async sealedPositionOfSeq(seq: string): Promise<{ globalPosition: number | null } | null> {
    const { rows } = await this.pool.query<{ global_position: string | null }>({
      name: 'event-store-position-of-seq',
      text: `SELECT g.global_position FROM event_store.events e
               LEFT JOIN event_store.global_log g ON g.seq = e.seq
              WHERE e.seq = $1::bigint`,
      values: [seq],
    });
    if (rows.length === 0) return null;
    const position = rows[0].global_position;
    return { globalPosition: position === null ? null : Number(position) };
  }

  /** The last global position sealed at or before a moment. */
  async positionAsOf(moment: Date): Promise<number> {
    const { rows } = await this.pool.query<{ position: string | null }>(
      `SELECT max(global_position) AS position FROM event_store.global_log WHERE sealed_at <= $1`,
      [moment],
    );
    return Number(rows[0].position ?? 0);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string | null }>(
      'SELECT max(global_position) AS position FROM event_store.global_log',
    );
    return Number(rows[0].position ?? 0);
  }

  async currentVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number | null }>(
      'SELECT max(stream_version) AS version FROM event_store.events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0].version ?? 0;
  }

  /**
   * A stored row as a recorded event: the type under its current name (a row stored under a
   * former name keeps that name in the database) and the payload at the newest schema version.
   * Built field by field: this runs for every event read, and spreads are slow here.
   */
  toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.registry.upcast(
      row.event_type,
      row.schema_version,
      row.payload,
    );
    return {
      eventId: row.event_id,
      type: this.registry.currentType(row.event_type),
      schemaVersion,
      storedSchemaVersion: row.schema_version,
      streamId: row.stream_id,
      streamType: row.stream_type,
      streamVersion: row.stream_version,
      globalPosition: row.global_position === null ? null : Number(row.global_position),
      occurredAt: isoFromUtcText(row.occurred_at),
      recordedAt: isoFromUtcText(row.recorded_at),
      actor: { personId: row.actor_person_id, organisationId: row.actor_organisation_id },
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      data,
      previousHash: row.previous_hash,
      hash: row.hash,
    };
  }
}
