import type { Pool } from 'pg';
import { eventHash, globalLinkHash, type HashedEnvelope } from './recorded-event.js';

export interface BrokenLink {
  readonly globalPosition: number | null;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
  readonly reason: string;
}

export type IntegrityReport =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly checked: number; readonly brokenAt: BrokenLink };

interface StoredRow {
  global_position: string | null;
  sealed_at: Date | null;
  global_previous_hash: string | null;
  global_hash: string | null;
  event_id: string | null;
  stream_id: string | null;
  stream_type: string;
  stream_version: number | null;
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
  hash: string | null;
}

const STORED_EVENT = `e.event_id, e.stream_id, e.stream_type, e.stream_version, e.event_type,
  e.schema_version, e.occurred_at, e.recorded_at, e.actor_person_id, e.actor_organisation_id,
  e.correlation_id, e.causation_id, e.payload, e.previous_hash, e.hash`;

function envelopeOf(row: StoredRow): HashedEnvelope {
  return {
    eventId: row.event_id!,
    type: row.event_type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id!,
    streamType: row.stream_type,
    streamVersion: row.stream_version!,
    occurredAt: row.occurred_at.toISOString(),
    recordedAt: row.recorded_at.toISOString(),
    actor: { personId: row.actor_person_id, organisationId: row.actor_organisation_id },
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    payload: row.payload,
    previousHash: row.previous_hash,
  };
}

/** Checks one event against its own hash and against the previous event of its stream. */
function checkStreamLink(
  row: StoredRow,
  previous: { version: number; hash: string } | undefined,
): string | null {
  const expectedVersion = (previous?.version ?? 0) + 1;
  if (row.stream_version !== expectedVersion) {
    return `stream version ${row.stream_version} follows ${expectedVersion - 1}: an event is missing or out of place`;
  }
  if (row.previous_hash !== (previous?.hash ?? null)) {
    return 'previous hash does not match the hash of the previous event of the stream';
  }
  if (eventHash(envelopeOf(row)) !== row.hash) {
    return 'the event does not match its hash: its content was altered';
  }
  return null;
}

/**
 * Walks the stored events and names the first broken link. Hashes are recomputed over the
 * stored form (before any upcasting), so verification never depends on today's code.
 */
export class IntegrityVerifier {
  constructor(private readonly pool: Pool) {}

  async verifyStream(streamId: string): Promise<IntegrityReport> {
    const { rows } = await this.pool.query<StoredRow>(
      `SELECT ${STORED_EVENT} FROM event_store.events e WHERE e.stream_id = $1 ORDER BY e.stream_version`,
      [streamId],
    );
    let previous: { version: number; hash: string } | undefined;
    for (const [i, row] of rows.entries()) {
      const reason = checkStreamLink(row, previous);
      if (reason) {
        return {
          ok: false,
          checked: i,
          brokenAt: { globalPosition: null, streamId, streamVersion: row.stream_version, reason },
        };
      }
      previous = { version: row.stream_version!, hash: row.hash! };
    }
    return { ok: true, checked: rows.length };
  }

  /** Walks the whole global log: positions dense, global chain intact, every stream chain intact. */
  async verifyLog(
    options: { batchSize?: number; onProgress?: (checked: number, total: number) => void } = {},
  ): Promise<IntegrityReport> {
    const batchSize = options.batchSize ?? 5000;
    const { rows: totals } = await this.pool.query<{ total: string | null }>(
      'SELECT max(global_position) AS total FROM event_store.global_log',
    );
    const total = Number(totals[0].total ?? 0);
    const streams = new Map<string, { version: number; hash: string }>();
    let previousGlobalHash: string | null = null;
    let position = 0;
    for (;;) {
      const { rows } = await this.pool.query<StoredRow>({
        name: 'event-store-verify-log',
        text: `SELECT g.global_position, g.sealed_at, g.previous_hash AS global_previous_hash,
                      g.hash AS global_hash, ${STORED_EVENT}
                 FROM event_store.global_log g LEFT JOIN event_store.events e ON e.seq = g.seq
                WHERE g.global_position > $1 ORDER BY g.global_position LIMIT $2`,
        values: [position, batchSize],
      });
      for (const row of rows) {
        const globalPosition = Number(row.global_position);
        const broken = (reason: string): IntegrityReport => ({
          ok: false,
          checked: position,
          brokenAt: {
            globalPosition,
            streamId: row.stream_id,
            streamVersion: row.stream_version,
            reason,
          },
        });
        if (globalPosition !== position + 1) {
          return broken(`global position ${position + 1} is missing`);
        }
        if (row.event_id === null) return broken('the event at this position is missing');
        if (row.global_previous_hash !== previousGlobalHash) {
          return broken('previous global hash does not match the hash of the previous position');
        }
        const link = {
          globalPosition,
          eventHash: row.hash!,
          sealedAt: row.sealed_at!.toISOString(),
          previousHash: previousGlobalHash,
        };
        if (globalLinkHash(link) !== row.global_hash) {
          return broken(
            'the global link does not match its hash: position, event or sealing time altered',
          );
        }
        const reason = checkStreamLink(row, streams.get(row.stream_id!));
        if (reason) return broken(reason);
        streams.set(row.stream_id!, { version: row.stream_version!, hash: row.hash! });
        previousGlobalHash = row.global_hash;
        position = globalPosition;
      }
      options.onProgress?.(position, total);
      if (rows.length < batchSize) return { ok: true, checked: position };
    }
  }
}
