import type { Pool } from 'pg';
import { eventHash, globalLinkHash } from './recorded-event.js';
import { STORED_EVENT_COLUMNS, storedEnvelope, type StoredEventRow } from './stored-event.js';

export interface BrokenLink {
  readonly globalPosition: number | null;
  readonly streamId: string | null;
  readonly streamVersion: number | null;
  readonly reason: string;
}

export type IntegrityReport =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly checked: number; readonly brokenAt: BrokenLink };

/** A global log row LEFT JOINed to its event: the event columns are null if the event is gone. */
interface LogRow extends StoredEventRow {
  global_position: string;
  sealed_at: Date;
  global_previous_hash: string | null;
  global_hash: string;
}

/** Checks one event against its own hash and against the previous event of its stream. */
function checkStreamLink(
  row: StoredEventRow,
  previous: { version: number; hash: string } | undefined,
): string | null {
  const expectedVersion = (previous?.version ?? 0) + 1;
  if (row.stream_version !== expectedVersion) {
    return `stream version ${row.stream_version} follows ${expectedVersion - 1}: an event is missing or out of place`;
  }
  if (row.previous_hash !== (previous?.hash ?? null)) {
    return 'previous hash does not match the hash of the previous event of the stream';
  }
  if (eventHash(storedEnvelope(row)) !== row.hash) {
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
    const { rows } = await this.pool.query<StoredEventRow>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM event_store.events e WHERE e.stream_id = $1 ORDER BY e.stream_version`,
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
      previous = { version: row.stream_version, hash: row.hash };
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
      const { rows } = await this.pool.query<LogRow>({
        name: 'event-store-verify-log',
        text: `SELECT g.global_position, g.sealed_at, g.previous_hash AS global_previous_hash,
                      g.hash AS global_hash, ${STORED_EVENT_COLUMNS}
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
        if ((row.event_id as string | null) === null)
          return broken('the event at this position is missing');
        if (row.global_previous_hash !== previousGlobalHash) {
          return broken('previous global hash does not match the hash of the previous position');
        }
        const link = {
          globalPosition,
          eventHash: row.hash,
          sealedAt: row.sealed_at.toISOString(),
          previousHash: previousGlobalHash,
        };
        if (globalLinkHash(link) !== row.global_hash) {
          return broken(
            'the global link does not match its hash: position, event or sealing time altered',
          );
        }
        const reason = checkStreamLink(row, streams.get(row.stream_id));
        if (reason) return broken(reason);
        streams.set(row.stream_id, { version: row.stream_version, hash: row.hash });
        previousGlobalHash = row.global_hash;
        position = globalPosition;
      }
      options.onProgress?.(position, total);
      if (rows.length < batchSize) return { ok: true, checked: position };
    }
  }
}
