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
  /** As `Date.toISOString` writes it: see `isoFromUtcText`. */
  occurred_at: string;
  recorded_at: string;
  actor_person_id: string;
  actor_organisation_id: string;
  correlation_id: string;
  causation_id: string | null;
  payload: unknown;
  previous_hash: string | null;
  hash: string;
}

/**
 * The columns of `StoredEventRow`, for a query that aliases `event_store.events` as `e`.
 * Timestamps come as UTC text, turned into ISO strings by `isoFromUtcText`: parsing a Date per
 * timestamp was a tenth of the time of reading the log.
 */
export const STORED_EVENT_COLUMNS = `e.seq, e.event_id, e.stream_id, e.stream_type, e.stream_version,
  e.event_type, e.schema_version, (e.occurred_at AT TIME ZONE 'UTC')::text AS occurred_at,
  (e.recorded_at AT TIME ZONE 'UTC')::text AS recorded_at, e.actor_person_id,
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
    occurredAt: isoFromUtcText(row.occurred_at),
    recordedAt: isoFromUtcText(row.recorded_at),
    actor: { personId: row.actor_person_id, organisationId: row.actor_organisation_id },
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
    previousHash: row.previous_hash,
  };
}

const COMMON_UTC_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.(\d{1,6}))?$/;
const ANY_UTC_TEXT = /^(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?( BC)?$/;

/**
 * PostgreSQL's text of a UTC `timestamp` ("2026-01-02 03:04:05.6") as `Date.toISOString` writes
 * it ("2026-01-02T03:04:05.600Z"), milliseconds truncated as a Date would. Years outside
 * 0000-9999 take the slower road through a Date.
 */
export function isoFromUtcText(text: string): string {
  const common = COMMON_UTC_TEXT.exec(text);
  if (common) {
    const millis = (common[1] ?? '').padEnd(3, '0').slice(0, 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${millis}Z`;
  }
  const parts = ANY_UTC_TEXT.exec(text);
  if (!parts) throw new Error(`Not a UTC timestamp: ${JSON.stringify(text)}`);
  const [, year, month, day, hours, minutes, seconds, fraction, bc] = parts;
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - Number(year) : Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(
    Number(hours),
    Number(minutes),
    Number(seconds),
    Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  );
  return date.toISOString();
}
