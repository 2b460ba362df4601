import { setTimeout as sleep } from 'node:timers/promises';
import type { EventTypeRegistry, RecordedEvent } from '@soc/event-store';
import { isDatabaseUnavailable } from '@soc/platform';
import type { Pool, PoolClient } from 'pg';
import { activeGeneration } from './generations.js';
import type { Projection } from './projection.js';
import { deadLettersTotal, projectionAppliedTotal } from '../delivery.metrics.js';

/** One message or log entry as a feed hands it over. */
export interface FeedItem {
  /** Offset in the partition, or the global position when the feed is the event store. */
  position: number;
  /** Null when the message could not be read; `unreadable` says why. */
  event: RecordedEvent | null;
  unreadable?: string;
  /** The message as received, kept with a dead letter. */
  raw(): string;
}

export interface DeadLetter {
  projection: string;
  source: string;
  partition: number;
  position: number;
  event: RecordedEvent | null;
  message: string;
  error: string;
  attempts: number;
}

export interface ApplierOptions {
  /** Attempts before an event that keeps failing becomes a dead letter (default 4). */
  maxAttempts?: number;
  /** First retry delay, growing fourfold each time (default 50 ms). */
  retryDelayMs?: number;
  /** Called before a dead letter is recorded, e.g. to publish it to the `.dlq` topic. */
  onDeadLetter?: (letter: DeadLetter) => Promise<void>;
  onError?: (error: unknown, context: string) => void;
}

/** The source of the event store itself; its partition is always -1. */
export const LOG_SOURCE = 'log';

/**
 * Failures of the database or the network, not of the event: retried by the feed later, never
 * dead-lettered.
 */
export function isTransient(error: unknown): boolean {
  const { code } = error as { code?: string };
  return isDatabaseUnavailable(error) || code === '40001' || code === '40P01';
}

class UnreadableItemError extends Error {}

/**
 * Applies batches to a projection, each in one transaction with its checkpoint (and, for Kafka,
 * the global positions it applied), so a redelivered message is recognised and skipped. A batch
 * that fails is retried event by event; one that keeps failing becomes a dead letter and the
 * partition moves on.
 */
export class ProjectionApplier {
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly pool: Pool,
    readonly projection: Projection,
    private readonly registry: EventTypeRegistry,
    private readonly options: ApplierOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  /** The checkpoint of the active generation for a source and partition (-1 when none). */
  async position(source: string, partition: number): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(
      `SELECT c.position FROM delivery.projection_checkpoints c
         JOIN delivery.projection_generations g USING (projection, generation)
        WHERE c.projection = $1 AND g.status = 'active' AND c.source = $2 AND c.partition = $3`,
      [this.projection.name, source, partition],
    );
    return rows[0] ? Number(rows[0].position) : -1;
  }

  async applyBatch(source: string, partition: number, items: readonly FeedItem[]): Promise<void> {
    if (items.length === 0) return;
    if (source === LOG_SOURCE && (await this.passOver(items))) return;
    try {
      await this.attempt(source, partition, items);
      return;
    } catch (error) {
      if (isTransient(error)) throw error;
      if (!(error instanceof UnreadableItemError)) {
        this.options.onError?.(error, `batch of ${items.length}; retrying one by one`);
      }
    }
    for (const item of items) await this.applyOne(source, partition, item);
  }

  /**
   * A batch of the log holding nothing this projection handles moves its checkpoint in one
   * statement instead of a transaction of five (most batches, for most projections, as each
   * command's events concern one or two of them). Only from where the batch starts: if the
   * checkpoint is anywhere else (none yet, past the batch, short of it after a rebuild switched
   * generations) nothing changes and the batch goes the usual way.
   */
  private async passOver(items: readonly FeedItem[]): Promise<boolean> {
    if (items.some((item) => !item.event || this.handles(item.event))) return false;
    const first = items[0].position;
    const last = items[items.length - 1].position;
    const { rowCount } = await this.pool.query(
      `UPDATE delivery.projection_checkpoints c
          SET position = $3, global_position = $3, updated_at = now()
         FROM delivery.projection_generations g
        WHERE g.projection = $1 AND g.status = 'active'
          AND c.projection = g.projection AND c.generation = g.generation
          AND c.source = '${LOG_SOURCE}' AND c.partition = -1
          AND c.position = $2`,
      [this.projection.name, first - 1, last],
    );
    return rowCount === 1;
  }

  private async applyOne(source: string, partition: number, item: FeedItem): Promise<void> {
    let lastError: unknown = new Error(item.unreadable ?? 'unreadable');
    const attempts = item.event ? this.maxAttempts : 1;
    for (let attempt = 1; item.event && attempt <= attempts; attempt++) {
      try {
        await this.attempt(source, partition, [item]);
        return;
      } catch (error) {
        if (isTransient(error)) throw error;
        lastError = error;
        if (attempt < attempts) await sleep(this.retryDelayMs * 4 ** (attempt - 1));
      }
    }
    await this.deadLetter(source, partition, item, lastError, attempts);
  }

  private async attempt(source: string, partition: number, items: readonly FeedItem[]) {
    await this.transaction(async (db, schema, generation) => {
      const checkpoint = await this.checkpoint(db, generation, source, partition);
      const pending = items.filter((item) => item.position > checkpoint.position);
      if (pending.length === 0) return;
      if (pending.some((item) => !item.event)) throw new UnreadableItemError();
      const events = await this.unseen(
        db,
        generation,
        source,
        pending.map((item) => item.event!),
      );
      const handled = events.filter((event) => this.handles(event)).map((e) => this.upcast(e));
      if (handled.length > 0) await this.projection.apply(db, schema, handled);
      if (source !== LOG_SOURCE && events.length > 0) {
        await db.query(
          `INSERT INTO delivery.projection_applied (projection, generation, global_position)
           SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING`,
          [this.projection.name, generation, events.map((e) => e.globalPosition)],
        );
      }
      const newest = Math.max(
        checkpoint.globalPosition,
        ...pending.map((item) => item.event!.globalPosition ?? 0),
      );
      await this.moveCheckpoint(
        db,
        generation,
        source,
        partition,
        pending.at(-1)!.position,
        newest,
      );
      projectionAppliedTotal.inc({ projection: this.projection.name }, handled.length);
    });
  }

  /**
   * Drops events this generation has already applied: over Kafka, by the positions it recorded
   * (a relay that died between publishing and recording publishes again) and by what a rebuild
   * already covered from the log.
   */
  private async unseen(
    db: PoolClient,
    generation: number,
    source: string,
    events: RecordedEvent[],
  ): Promise<RecordedEvent[]> {
    if (source === LOG_SOURCE) return events;
    const floor = await this.checkpoint(db, generation, LOG_SOURCE, -1);
    const { rows } = await db.query<{ global_position: string }>(
      `SELECT global_position FROM delivery.projection_applied
        WHERE projection = $1 AND generation = $2 AND global_position = ANY($3::bigint[])`,
      [this.projection.name, generation, events.map((e) => e.globalPosition)],
    );
    const applied = new Set(rows.map((r) => Number(r.global_position)));
    const seen = new Set<number>();
    return events.filter((event) => {
      const position = event.globalPosition!;
      if (position <= floor.position || applied.has(position) || seen.has(position)) return false;
      seen.add(position);
      return true;
    });
  }

  /** Whether the projection handles an event, named as it was published or by its current name. */
  private handles(event: RecordedEvent): boolean {
    return this.projection.handles.includes(this.registry.currentType(event.type));
  }

  /**
   * The event as the projection expects it: under its type's current name (a message published
   * before a rename carries the former one) and at the newest schema version.
   */
  private upcast(event: RecordedEvent): RecordedEvent {
    const type = this.registry.currentType(event.type);
    const { schemaVersion, data } = this.registry.upcast(type, event.schemaVersion, event.data);
    return schemaVersion === event.schemaVersion && type === event.type
      ? event
      : { ...event, type, schemaVersion, data };
  }

  private async deadLetter(
    source: string,
    partition: number,
    item: FeedItem,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const letter: DeadLetter = {
      projection: this.projection.name,
      source,
      partition,
      position: item.position,
      event: item.event,
      message: item.raw(),
      error: item.event ? describeError(error) : (item.unreadable ?? describeError(error)),
      attempts,
    };
    await this.options.onDeadLetter?.(letter);
    await this.transaction(async (db, _schema, generation) => {
      const checkpoint = await this.checkpoint(db, generation, source, partition);
      if (item.position <= checkpoint.position) return;
      await db.query(
        `INSERT INTO delivery.dead_letters (projection, source, partition, position,
           global_position, event_id, event_type, message, error, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          letter.projection,
          source,
          partition,
          item.position,
          item.event?.globalPosition ?? null,
          item.event?.eventId ?? null,
          item.event?.type ?? null,
          letter.message,
          letter.error,
          attempts,
        ],
      );
      await this.moveCheckpoint(
        db,
        generation,
        source,
        partition,
        item.position,
        checkpoint.globalPosition,
      );
    });
    deadLettersTotal.inc({ projection: this.projection.name });
    this.options.onError?.(error, `dead letter at ${source}[${partition}]@${item.position}`);
  }

  /** Re-applies a dead letter (after a fix) and marks it replayed; already-applied events are skipped. */
  async replay(id: number): Promise<'replayed' | 'already-applied' | 'not-found'> {
    let outcome: 'replayed' | 'already-applied' | 'not-found' = 'not-found';
    await this.transaction(async (db, schema, generation) => {
      const { rows } = await db.query<{ message: string }>(
        `SELECT message FROM delivery.dead_letters
          WHERE id = $1 AND projection = $2 AND replayed_at IS NULL FOR UPDATE`,
        [id, this.projection.name],
      );
      if (!rows[0]) return;
      const event = JSON.parse(rows[0].message) as RecordedEvent;
      const { rowCount } = await db.query(
        `INSERT INTO delivery.projection_applied (projection, generation, global_position)
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [this.projection.name, generation, event.globalPosition],
      );
      outcome = rowCount === 1 ? 'replayed' : 'already-applied';
      if (outcome === 'replayed' && this.handles(event)) {
        await this.projection.apply(db, schema, [this.upcast(event)]);
      }
      await db.query(`UPDATE delivery.dead_letters SET replayed_at = now() WHERE id = $1`, [id]);
    });
    return outcome;
  }

  private async transaction(
    work: (db: PoolClient, schema: string, generation: number) => Promise<void>,
  ): Promise<void> {
    const db = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await db.query('BEGIN');
      const active = await activeGeneration(db, this.projection.name);
      if (!active) throw new Error(`Projection ${this.projection.name} has no active generation`);
      await work(db, active.schema, active.generation);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      db.release(broken);
    }
  }

  private async checkpoint(
    db: PoolClient,
    generation: number,
    source: string,
    partition: number,
  ): Promise<{ position: number; globalPosition: number }> {
    const { rows } = await db.query<{ position: string; global_position: string }>(
      `SELECT position, global_position FROM delivery.projection_checkpoints
        WHERE projection = $1 AND generation = $2 AND source = $3 AND partition = $4`,
      [this.projection.name, generation, source, partition],
    );
    return rows[0]
      ? { position: Number(rows[0].position), globalPosition: Number(rows[0].global_position) }
      : { position: -1, globalPosition: 0 };
  }

  private async moveCheckpoint(
    db: PoolClient,
    generation: number,
    source: string,
    partition: number,
    position: number,
    globalPosition: number,
  ): Promise<void> {
    await db.query(
      `INSERT INTO delivery.projection_checkpoints
         (projection, generation, source, partition, position, global_position)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (projection, generation, source, partition) DO UPDATE
         SET position = excluded.position, global_position = excluded.global_position,
             updated_at = now()`,
      [this.projection.name, generation, source, partition, position, globalPosition],
    );
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
