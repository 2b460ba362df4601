import type { Actor, DomainEvent } from '@soc/contracts';
import type { Pool } from 'pg';
import { type Decider, fold } from './decider.js';
import { v7 as uuidv7, validate as isUuid } from 'uuid';
import {
  EventIdReusedError,
  InvalidAppendError,
  PayloadTooLargeError,
  VersionConflictError,
} from './errors.js';
import { EventTypeRegistry } from './event-type-registry.js';
import { appendDuration, appendedEventsTotal, appendsTotal } from './event-store.metrics.js';
import { GlobalLogSealer } from './global-log-sealer.js';
import { AppendBatcher, type StoredEnvelope } from './append-batcher.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { envelopeJson, type HashedEnvelope, type RecordedEvent } from './recorded-event.js';
import { isoFromUtcText, STORED_EVENT_COLUMNS, type StoredEventRow } from './stored-event.js';
import { streamTypeOf } from './stream-id.js';

export type ExpectedVersion = number | 'no-stream' | 'any';

export interface AppendMetadata {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string | null;
  /** When the fact happened in the world; defaults to the time of the append. */
  readonly occurredAt?: Date;
}

/** An event to append. Give it an id to make a retried append safe. */
export type EventToAppend = DomainEvent & { readonly eventId?: string };

export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append: the version of its last event. */
  readonly streamVersion: number;
  readonly eventIds: readonly string[];
  /** The global position of the last event, or null if not sealed within the wait. */
  readonly globalPosition: number | null;
}

/** A stream folded into a decider's state, and where it stood when read. */
export interface LoadedStream<TState> {
  readonly state: TState;
  readonly version: number;
  /** Global position of its last event, or null (empty stream, or not sealed yet). */
  readonly globalPosition: number | null;
}

export interface AppendOptions {
  /** Wait until the events have a global position (read-your-writes); default true. */
  readonly awaitGlobalPosition?: boolean;
}

export interface EventStoreOptions {
  /** Largest payload accepted, in bytes of JSON (default 256 KiB). */
  readonly maxPayloadBytes?: number;
  /** How long an append waits for its global position (default 5 s). */
  readonly positionWaitMs?: number;
  /** Append statements in flight at once; concurrent appends beyond it are grouped (default 2). */
  readonly appendStatementsInFlight?: number;
}

type EventRow = StoredEventRow & { global_position: string | null };

const MAX_CACHED_STREAM_HEADS = 10_000;

/**
 * Append-only, hash-chained event streams in PostgreSQL with a gap-free global order.
 *
 * Each append is stored all or nothing, with no lock beyond the unique (stream_id,
 * stream_version) index that turns a concurrent write into a version conflict; concurrent
 * appends share one INSERT and one commit (AppendBatcher).
 */
export class EventStore {
  private readonly maxPayloadBytes: number;
  private readonly positionWaitMs: number;
  private readonly batcher: AppendBatcher;
  /** Last known (version, hash) per stream. Committed events never change, so this cannot go stale in a way that matters: a newer version makes the insert conflict. */
  private readonly streamHeads = new Map<string, { version: number; hash: string }>();

  constructor(
    private readonly pool: Pool,
    private readonly registry: EventTypeRegistry,
    readonly sealer: GlobalLogSealer,
    options: EventStoreOptions = {},
  ) {
    this.maxPayloadBytes = options.maxPayloadBytes ?? 256 * 1024;
    this.positionWaitMs = options.positionWaitMs ?? 5000;
    this.batcher = new AppendBatcher(pool, { maxInFlight: options.appendStatementsInFlight });
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly EventToAppend[],
    metadata: AppendMetadata,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const streamType = streamTypeOf(streamId);
    const payloads = this.validate(events, metadata);
    const stopTimer = appendDuration.startTimer();
    const eventIds = events.map((e) => (e.eventId ?? uuidv7()).toLowerCase());
    for (let attempt = 1; ; attempt++) {
      const head = await this.headFor(streamId, expected);
      const rows = this.envelopes(streamId, streamType, head, events, payloads, eventIds, metadata);
      const lastSeq = await this.batcher.append(rows);
      if (lastSeq !== null) {
        stopTimer();
        appendsTotal.inc({ outcome: 'appended' });
        appendedEventsTotal.inc(rows.length);
        const last = rows[rows.length - 1];
        this.remember(streamId, last.streamVersion, last.hash);
        return {
          streamId,
          streamVersion: last.streamVersion,
          eventIds,
          globalPosition: await this.positionOf(lastSeq, options),
        };
      }
      const original = await this.findOriginal(streamId, eventIds, options);
      if (original) {
        appendsTotal.inc({ outcome: 'duplicate' });
        return original;
      }
      this.streamHeads.delete(streamId);
      if (expected === 'any' && attempt < 5) continue;
      appendsTotal.inc({ outcome: 'conflict' });
      throw new VersionConflictError(
        streamId,
        expected === 'any' ? head.version : (expected as number | 'no-stream'),
        await this.currentVersion(streamId),
      );
    }
  }

  /** Folds a stream into a decider's state: what a command shell reads before deciding. */
  async load<TState, TEvent extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<TState, never, TEvent>, 'initialState' | 'evolve'>,
  ): Promise<LoadedStream<TState>> {
    const history = await this.readStream(streamId);
    return {
      state: fold(decider, history as unknown as TEvent[]),
      version: history.length,
      globalPosition: history[history.length - 1]?.globalPosition ?? null,
    };
  }

  /**
   * Load, decide, append: folds the stream, runs the pure decision and appends what it produced
   * at the version it was loaded at, so a concurrent writer turns into a conflict, never a lost
   * update. `ifVersion` (from an If-Match header) makes the caller's own view of the version count.
   */
  async handle<TState, TCommand, TEvent extends DomainEvent>(
    streamId: string,
    decider: Decider<TState, TCommand, TEvent>,
    command: TCommand,
    metadata: AppendMetadata,
    options: AppendOptions & { ifVersion?: number } = {},
  ): Promise<AppendResult & { events: readonly TEvent[] }> {
    const loaded = await this.load(streamId, decider);
    return this.decideOn(streamId, decider, loaded, command, metadata, options);
  }

  /**
   * Decide and append on a state the caller has already loaded (to check who may act on it), at
   * the version it was loaded at: a write in between is a conflict, and the stream is read once.
   */
  async decideOn<TState, TCommand, TEvent extends DomainEvent>(
    streamId: string,
    decider: Decider<TState, TCommand, TEvent>,
    loaded: LoadedStream<TState>,
    command: TCommand,
    metadata: AppendMetadata,
    options: AppendOptions & { ifVersion?: number } = {},
  ): Promise<AppendResult & { events: readonly TEvent[] }> {
    const { state, version } = loaded;
    if (options.ifVersion !== undefined && options.ifVersion !== version) {
      throw new VersionConflictError(streamId, options.ifVersion, version);
    }
    const events = decider.decide(command, state);
    if (events.length === 0) {
      return {
        streamId,
        streamVersion: version,
        eventIds: [],
        globalPosition: loaded.globalPosition,
        events,
      };
    }
    const result = await this.append(
      streamId,
      version === 0 ? 'no-stream' : version,
      events,
      metadata,
      options,
    );
    return { ...result, events };
  }

  /** Events of one stream, oldest first, from a version (exclusive). Includes not-yet-sealed events. */
  async readStream(streamId: string, afterVersion = 0): Promise<RecordedEvent[]> {
    streamTypeOf(streamId);
    const { rows } = await this.pool.query<EventRow>({
      name: 'event-store-read-stream',
      text: `SELECT ${STORED_EVENT_COLUMNS}, g.global_position FROM event_store.events e
               LEFT JOIN event_store.global_log g ON g.seq = e.seq
              WHERE e.stream_id = $1 AND e.stream_version > $2 ORDER BY e.stream_version`,
      values: [streamId, afterVersion],
    });
    const last = rows[rows.length - 1];
    if (last) this.remember(streamId, last.stream_version, last.hash);
    return rows.map((row) => this.toRecorded(row));
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

  /**
   * The last global position sealed at or before a moment: the log as of T is the prefix up to it.
   * Sealing time never decreases along the log, so the answer for a past moment never changes.
   */
  async positionAsOf(moment: Date): Promise<number> {
    const { rows } = await this.pool.query<{ position: string | null }>(
      `SELECT max(global_position) AS position FROM event_store.global_log WHERE sealed_at <= $1`,
      [moment],
    );
    return Number(rows[0].position ?? 0);
  }

  /** Reads the log as it stood at a moment, in batches. */
  async readAllAsOf(
    moment: Date,
    options: { after?: number; limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    return this.readAll({ ...options, upTo: await this.positionAsOf(moment) });
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

  /** Checks an append and returns each payload's canonical JSON, the form that is stored and hashed. */
  private validate(events: readonly EventToAppend[], metadata: AppendMetadata): string[] {
    if (events.length === 0) throw new InvalidAppendError('An append needs at least one event');
    if (!metadata?.actor?.personId || !metadata.actor.organisationId) {
      throw new InvalidAppendError('An append needs an actor: person and organisation');
    }
    if (
      !isUuid(metadata.correlationId) ||
      (metadata.causationId && !isUuid(metadata.causationId))
    ) {
      throw new InvalidAppendError('Correlation and causation ids must be UUIDs');
    }
    const occurredYear = metadata.occurredAt?.getUTCFullYear();
    if (occurredYear !== undefined && !(occurredYear >= 1 && occurredYear <= 9999)) {
      throw new InvalidAppendError(
        'occurredAt must be a valid moment between the years 1 and 9999',
      );
    }
    const payloads = events.map((event) => {
      this.registry.currentVersion(event.type);
      if (event.eventId !== undefined && !isUuid(event.eventId)) {
        throw new InvalidAppendError(`Event id ${JSON.stringify(event.eventId)} is not a UUID`);
      }
      if (event.data === null || typeof event.data !== 'object') {
        throw new InvalidAppendError(`The payload of ${event.type} must be a JSON object`);
      }
      const json = canonicalPayload(event);
      const bytes = Buffer.byteLength(json);
      if (bytes > this.maxPayloadBytes) {
        throw new PayloadTooLargeError(
          `The payload of ${event.type} is ${bytes} bytes; the limit is ${this.maxPayloadBytes}`,
        );
      }
      if (json.includes('\\u0000')) {
        throw new InvalidAppendError(`The payload of ${event.type} contains a NUL character`);
      }
      return json;
    });
    if (
      new Set(events.map((e) => e.eventId).filter(Boolean)).size !==
      events.filter((e) => e.eventId).length
    ) {
      throw new InvalidAppendError('The same event id appears twice in one append');
    }
    return payloads;
  }

  private async headFor(
    streamId: string,
    expected: ExpectedVersion,
  ): Promise<{ version: number; hash: string | null }> {
    if (expected === 'no-stream' || expected === 0) return { version: 0, hash: null };
    if (expected !== 'any' && (!Number.isInteger(expected) || expected < 0)) {
      throw new InvalidAppendError(`Expected version ${String(expected)} is not a version`);
    }
    const cached = this.streamHeads.get(streamId);
    if (cached && cached.version === expected) return cached;
    const { rows } = await this.pool.query<{ stream_version: number; hash: string }>({
      name: 'event-store-stream-head',
      text: `SELECT stream_version, hash FROM event_store.events WHERE stream_id = $1
              ORDER BY stream_version DESC LIMIT 1`,
      values: [streamId],
    });
    const head = rows[0]
      ? { version: rows[0].stream_version, hash: rows[0].hash }
      : { version: 0, hash: null };
    if (expected !== 'any' && head.version !== expected) {
      appendsTotal.inc({ outcome: 'conflict' });
      throw new VersionConflictError(streamId, expected, head.version);
    }
    return head;
  }

  private envelopes(
    streamId: string,
    streamType: string,
    head: { version: number; hash: string | null },
    events: readonly EventToAppend[],
    payloads: readonly string[],
    eventIds: readonly string[],
    metadata: AppendMetadata,
  ): StoredEnvelope[] {
    const recordedAt = new Date().toISOString();
    const occurredAt = (metadata.occurredAt ?? new Date(recordedAt)).toISOString();
    let previousHash = head.hash;
    return events.map((event, i) => {
      const envelope: HashedEnvelope = {
        eventId: eventIds[i],
        type: event.type,
        schemaVersion: this.registry.currentVersion(event.type),
        streamId,
        streamType,
        streamVersion: head.version + i + 1,
        occurredAt,
        recordedAt,
        actor: metadata.actor,
        correlationId: metadata.correlationId.toLowerCase(),
        causationId: metadata.causationId?.toLowerCase() ?? null,
        payload: event.data,
        previousHash,
      };
      const hash = sha256Hex(envelopeJson(envelope, payloads[i]));
      previousHash = hash;
      return { ...envelope, hash, payloadJson: payloads[i] };
    });
  }

  /** Answers a retried append whose events were already stored with the original result. */
  private async findOriginal(
    streamId: string,
    eventIds: readonly string[],
    options: AppendOptions,
  ): Promise<AppendResult | null> {
    const { rows } = await this.pool.query<{
      seq: string;
      event_id: string;
      stream_id: string;
      stream_version: number;
    }>(
      `SELECT seq, event_id, stream_id, stream_version FROM event_store.events
        WHERE event_id = ANY($1::uuid[]) ORDER BY stream_version`,
      [eventIds],
    );
    if (rows.length === 0) return null;
    const sameAppend =
      rows.length === eventIds.length &&
      rows.every((row, i) => row.stream_id === streamId && row.event_id === eventIds[i]);
    if (!sameAppend) {
      throw new EventIdReusedError(
        `Event ids ${rows.map((r) => r.event_id).join(', ')} were already appended by another append`,
      );
    }
    const last = rows[rows.length - 1];
    return {
      streamId,
      streamVersion: last.stream_version,
      eventIds,
      globalPosition: await this.positionOf(last.seq, options),
    };
  }

  private positionOf(seq: string, options: AppendOptions): Promise<number | null> {
    if (options.awaitGlobalPosition === false) return Promise.resolve(null);
    return this.sealer.waitForSeq(seq, this.positionWaitMs);
  }

  private remember(streamId: string, version: number, hash: string): void {
    this.streamHeads.delete(streamId);
    this.streamHeads.set(streamId, { version, hash });
    if (this.streamHeads.size > MAX_CACHED_STREAM_HEADS) {
      this.streamHeads.delete(this.streamHeads.keys().next().value as string);
    }
  }

  /** Built field by field: this runs for every event read, and spreads are slow here. */
  private toRecorded(row: EventRow): RecordedEvent {
    const { schemaVersion, data } = this.registry.upcast(
      row.event_type,
      row.schema_version,
      row.payload,
    );
    return {
      eventId: row.event_id,
      type: row.event_type,
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

function canonicalPayload(event: EventToAppend): string {
  try {
    return canonicalJson(event.data);
  } catch (error) {
    throw new InvalidAppendError(`The payload of ${event.type}: ${(error as Error).message}`);
  }
}
