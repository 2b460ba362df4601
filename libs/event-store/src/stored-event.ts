import type { HashedEnvelope } from './recorded-event.js';

/** A row of `event_store.events` as `pg` returns it. */
export interface StoredEventRow {
  seq: string;
  event_id: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  occurred_at: Date;
  recorded_at: Date;
  actor_person_id: string;
  actor_organisation_id: string;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
  previous_hash: string | null;
  hash: string;
}

/** The columns of `StoredEventRow`, for a query that aliases `event_store.events` as `e`. */
export const STORED_EVENT_COLUMNS = `e.seq, e.event_id, e.stream_id, e.stream_type, e.stream_version,
  e.event_type, e.schema_version, e.occurred_at, e.recorded_at, e.actor_person_id,
  e.actor_organisation_id, e.correlation_id, e.causation_id, e.payload, e.previous_hash, e.hash`;

/** The envelope exactly as stored (before any upcasting): what its hash covers. */
export function storedEnvelope(row: StoredEventRow): HashedEnvelope {
  return {
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    actor: { personId: row.actor_person_id, organisationId: row.actor_organisation_id },
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
    previousHash: row.previous_hash,
  };
}
