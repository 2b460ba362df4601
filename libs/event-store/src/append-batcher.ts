import type { HashedEnvelope } from './recorded-event.js';
import { appendStatementSize } from './event-store.metrics.js';

/** An event ready to store: its envelope, hash, and payload JSON serialised once. */
export type StoredEnvelope = HashedEnvelope & { hash: string; payloadJson: string };

/** What the batcher needs of a pool (or of one client, inside a caller's transaction). */
export interface Queryable {
  query<R extends object>(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: R[] }>;
}

export interface AppendBatcherOptions {
  /** Statements in flight at once; appends arriving meanwhile wait and go together (default 2). */
  readonly maxInFlight?: number;
}

interface AppendedRow {
  append_no: number;
  last_seq: string | null;
}

interface PendingAppend {
  readonly rows: readonly StoredEnvelope[];
  resolve(lastSeq: string | null): void;
  reject(error: unknown): void;
}

const EVENT_COLUMNS = `event_id, stream_id, stream_type, stream_version, event_type,
  schema_version, occurred_at, recorded_at, actor_person_id, actor_organisation_id,
  correlation_id, causation_id, payload, previous_hash, hash`;
const EVENT_TYPES = [
  'uuid',
  'text',
  'text',
  'int',
  'text',
  'int',
  'timestamptz',
  'timestamptz',
  'text',
  'text',
  'uuid',
  'uuid',
  'jsonb',
  'text',
  'text',
] as const;
/** A grouped statement's input: which append a row belongs to, then the event's columns. */
const GROUP_TYPES = ['int', ...EVENT_TYPES] as const;

/** Statements of up to this many rows bind one parameter per value; larger ones one array per column. */
const MAX_VALUES_ROWS = 64;
/** Appends are grouped while the statement stays this small. */
const MAX_GROUPED_ROWS = MAX_VALUES_ROWS;
const UNIQUE_VIOLATION = '23505';

/** `VALUES ($1::uuid, ...), (...)` for small inputs, `SELECT * FROM unnest($1::uuid[], ...)` for large. */
function inputSql(types: readonly string[], rows: number | 'unnest'): string {
  if (rows === 'unnest') {
    return `SELECT * FROM unnest(${types.map((type, c) => `$${c + 1}::${type}[]`).join(', ')})`;
  }
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${types.map((type, c) => `$${r * types.length + c + 1}::${type}`).join(', ')})`,
  );
  return `VALUES ${tuples.join(', ')}`;
}

/** One append on its own: a unique violation refuses it whole (a conflict or a retry). */
function aloneSql(rows: number | 'unnest'): string {
  return `INSERT INTO event_store.events (${EVENT_COLUMNS}) ${inputSql(EVENT_TYPES, rows)} RETURNING seq`;
}

/**
 * Several appends: rows a unique constraint refuses are skipped, and each append is answered
 * with the seq of its last event, or null if it was refused (the caller then looks at why). An
 * append refused in part undoes the statement. Rows go in (append, version) order, so seq order
 * follows each stream's versions.
 */
function groupSql(rows: number | 'unnest'): string {
  return `
    WITH input (append_no, ${EVENT_COLUMNS}) AS (${inputSql(GROUP_TYPES, rows)}),
    stored AS (
      INSERT INTO event_store.events (${EVENT_COLUMNS})
      SELECT ${EVENT_COLUMNS} FROM input ORDER BY append_no, stream_version
      ON CONFLICT DO NOTHING
      RETURNING event_id, seq)
    SELECT i.append_no, max(s.seq)::text AS last_seq,
           CASE WHEN count(s.seq) BETWEEN 1 AND count(*) - 1
                THEN event_store.refuse_partial_append(count(s.seq), count(*)) END AS refused
      FROM input i LEFT JOIN stored s ON s.event_id = i.event_id
     GROUP BY i.append_no`;
}

const sizes = Array.from({ length: MAX_VALUES_ROWS }, (_, i) => i + 1);
const ALONE_SQL = sizes.map(aloneSql);
const GROUP_SQL = sizes.map(groupSql);
const ALONE_UNNEST_SQL = aloneSql('unnest');
const GROUP_UNNEST_SQL = groupSql('unnest');

function eventValues(r: StoredEnvelope): unknown[] {
  return [
    r.eventId,
    r.streamId,
    r.streamType,
    r.streamVersion,
    r.type,
    r.schemaVersion,
    r.occurredAt,
    r.recordedAt,
    r.actor.personId,
    r.actor.organisationId,
    r.correlationId,
    r.causationId,
    r.payloadJson,
    r.previousHash,
    r.hash,
  ];
}

/** A named statement (parsed once per connection) for these rows: one value per parameter, or one array per column. */
function statement(
  kind: 'alone' | 'group',
  rows: readonly unknown[][],
): { name: string; text: string; values: unknown[] } {
  if (rows.length <= MAX_VALUES_ROWS) {
    return {
      name: `event-store-append-${kind}-${rows.length}`,
      text: (kind === 'alone' ? ALONE_SQL : GROUP_SQL)[rows.length - 1],
      values: rows.flat(),
    };
  }
  return {
    name: `event-store-append-${kind}-unnest`,
    text: kind === 'alone' ? ALONE_UNNEST_SQL : GROUP_UNNEST_SQL,
    values: rows[0].map((_, c) => rows.map((row) => row[c])),
  };
}

/**
 * Group commit for appends. While a few statements are in flight, appends that arrive wait and
 * then go together in one INSERT and one commit, which is where the time of a small append goes
 * (a round trip and a WAL flush). With nothing in flight an append goes at once, so a lone writer
 * waits for nobody. Each append stays all or nothing: one refused in part undoes the statement,
 * and an append of a failed group is tried again on its own, so it meets only its own outcome.
 */
export class AppendBatcher {
  private readonly maxInFlight: number;
  private readonly queue: PendingAppend[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Queryable,
    options: AppendBatcherOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
  }

  /** Stores one append's rows; resolves with the seq of its last event, or null if a unique constraint refused it. */
  append(rows: readonly StoredEnvelope[]): Promise<string | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
      });
    }
  }

  /** The oldest appends that fit one statement, one per stream (a stream's next append needs this one's outcome). */
  private takeBatch(): PendingAppend[] {
    const batch = [this.queue.shift()!];
    const streams = new Set([batch[0].rows[0].streamId]);
    let rows = batch[0].rows.length;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (rows + next.rows.length > MAX_GROUPED_ROWS || streams.has(next.rows[0].streamId)) break;
      batch.push(this.queue.shift()!);
      streams.add(next.rows[0].streamId);
      rows += next.rows.length;
    }
    return batch;
  }

  private async send(batch: readonly PendingAppend[]): Promise<void> {
    appendStatementSize.observe(batch.length);
    if (batch.length === 1) return this.sendAlone(batch[0]);
    let result: AppendedRow[];
    try {
      const rows = batch.flatMap((pending, appendNo) =>
        pending.rows.map((row) => [appendNo, ...eventValues(row)]),
      );
      ({ rows: result } = await this.db.query<AppendedRow>(statement('group', rows)));
    } catch {
      // An append refused in part, a lost connection...: each append goes again on its own and
      // meets its own outcome (one the group did store answers as a retry: the original result).
      await Promise.all(batch.map((pending) => this.sendAlone(pending)));
      return;
    }
    const lastSeqs = new Map(result.map((row) => [row.append_no, row.last_seq]));
    batch.forEach((pending, appendNo) => pending.resolve(lastSeqs.get(appendNo) ?? null));
  }

  private async sendAlone(pending: PendingAppend): Promise<void> {
    try {
      const { rows } = await this.db.query<{ seq: string }>(
        statement('alone', pending.rows.map(eventValues)),
      );
      pending.resolve(
        rows
          .map((row) => BigInt(row.seq))
          .reduce((a, b) => (a > b ? a : b))
          .toString(),
      );
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) pending.resolve(null);
      else pending.reject(error);
    }
  }
}
