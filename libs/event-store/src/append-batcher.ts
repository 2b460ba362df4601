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
/** Statements of up to this many rows bind one parameter per value; larger ones one array per column. */
const MAX_VALUES_ROWS = 64;
/** Appends are grouped while the statement stays this small. */
const MAX_GROUPED_ROWS = MAX_VALUES_ROWS;
const UNIQUE_VIOLATION = '23505';

/** `VALUES ($1::uuid, ...), (...)` for small inputs, `SELECT * FROM unnest($1::uuid[], ...)` for large. */
function inputSql(rows: number | 'unnest'): string {
  if (rows === 'unnest') {
    return `SELECT * FROM unnest(${EVENT_TYPES.map((type, c) => `$${c + 1}::${type}[]`).join(', ')})`;
  }
  const width = EVENT_TYPES.length;
  const tuples = Array.from(
    { length: rows },
    (_, r) => `(${EVENT_TYPES.map((type, c) => `$${r * width + c + 1}::${type}`).join(', ')})`,
  );
  return `VALUES ${tuples.join(', ')}`;
}

/**
 * The rows of one or more appends, in (append, version) order, so seq order follows each
 * stream's versions. A unique violation anywhere refuses the whole statement: a plain INSERT,
 * which costs the server far less per row than ON CONFLICT's speculative insertion.
 */
function insertSql(rows: number | 'unnest'): string {
  return `INSERT INTO event_store.events (${EVENT_COLUMNS}) ${inputSql(rows)} RETURNING event_id, seq`;
}

const INSERT_SQL = Array.from({ length: MAX_VALUES_ROWS }, (_, i) => insertSql(i + 1));
const INSERT_UNNEST_SQL = insertSql('unnest');

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
function statement(rows: readonly unknown[][]): { name: string; text: string; values: unknown[] } {
  if (rows.length <= MAX_VALUES_ROWS) {
    return {
      name: `event-store-append-${rows.length}`,
      text: INSERT_SQL[rows.length - 1],
      values: rows.flat(),
    };
  }
  return {
    name: 'event-store-append-unnest',
    text: INSERT_UNNEST_SQL,
    values: rows[0].map((_, c) => rows.map((row) => row[c])),
  };
}

/** The largest seq among an append's stored rows. */
function lastSeqOf(pending: PendingAppend, seqs: ReadonlyMap<string, string>): string {
  return pending.rows
    .map((row) => BigInt(seqs.get(row.eventId)!))
    .reduce((a, b) => (a > b ? a : b))
    .toString();
}

/**
 * Group commit for appends. While a few statements are in flight, appends that arrive wait and
 * then go together in one INSERT and one commit, which is where the time of a small append goes
 * (a round trip and a WAL flush). With nothing in flight an append goes at once, so a lone writer
 * waits for nobody. Each append stays all or nothing: a unique violation refuses the whole
 * statement, and each append of a refused group is tried again on its own, so it meets only its
 * own outcome (a conflict, a retry answered with the original result, or success).
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
    let stored: Map<string, string>;
    try {
      stored = await this.insert(batch.flatMap((pending) => pending.rows));
    } catch {
      // A conflict or a retry in the group, a lost connection...: each append goes again on its
      // own and meets its own outcome (one the group did store answers as a retry: the original result).
      await Promise.all(batch.map((pending) => this.sendAlone(pending)));
      return;
    }
    for (const pending of batch) pending.resolve(lastSeqOf(pending, stored));
  }

  private async sendAlone(pending: PendingAppend): Promise<void> {
    try {
      pending.resolve(lastSeqOf(pending, await this.insert(pending.rows)));
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) pending.resolve(null);
      else pending.reject(error);
    }
  }

  /** Inserts rows in one statement; answers with each event id's seq. */
  private async insert(rows: readonly StoredEnvelope[]): Promise<Map<string, string>> {
    const { rows: stored } = await this.db.query<{ event_id: string; seq: string }>(
      statement(rows.map(eventValues)),
    );
    return new Map(stored.map((row) => [row.event_id, row.seq]));
  }
}
