import type { DomainEvent } from '@soc/contracts';
import type { Pool } from 'pg';
import { validate as isUuid, v7 as uuidv7 } from 'uuid';
import { type Decider, fold } from './decider.js';
import {
  EventIdReusedError,
  InvalidAppendError,
  UnknownConsistencyTokenError,
  VersionConflictError,
} from './errors.js';
import { EventTypeRegistry } from './event-type-registry.js';
import { appendDuration, appendedEventsTotal, appendsTotal } from './event-store.metrics.js';
import type {
  AppendMetadata,
  AppendOptions,
  AppendResult,
  EventStoreOptions,
  EventToAppend,
  ExpectedVersion,
  LoadedStream,
} from './event-store.types.js';
import { GlobalLogSealer } from './global-log-sealer.js';
import { AppendBatcher } from './append-batcher.js';
import { buildEnvelopes, type StreamHead, validateAppend } from './append-envelopes.js';
import { type EventRow, EventReads } from './event-reads.js';
import type { RecordedEvent } from './recorded-event.js';
import { streamTypeOf } from './stream-id.js';

export * from './event-store.types.js';

const MAX_CACHED_STREAM_HEADS = 10_000;
/** A consistency token is the seq of the append's last row: a positive bigint, in decimal. */
const CONSISTENCY_TOKEN = /^[1-9][0-9]{0,18}$/;
const MAX_SEQ = 2n ** 63n - 1n;

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
  private readonly reads: EventReads;
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
    this.reads = new EventReads(pool, registry);
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly EventToAppend[],
    metadata: AppendMetadata,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const streamType = streamTypeOf(streamId);
    const payloads = validateAppend(this.registry, events, metadata, this.maxPayloadBytes);
    const stopTimer = appendDuration.startTimer();
    const eventIds = events.map((e) => (e.eventId ?? uuidv7()).toLowerCase());
    for (let attempt = 1; ; attempt++) {
      const head = await this.headFor(streamId, expected);
      const rows = buildEnvelopes(
        this.registry,
        streamId,
        streamType,
        head,
        events,
        payloads,
        eventIds,
        metadata,
      );
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
          consistencyToken: lastSeq,
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
    const rows = await this.streamRows(streamId);
    const history = rows.map((row) => this.reads.toRecorded(row));
    const last = history[history.length - 1];
    return {
      state: fold(decider, history as unknown as TEvent[]),
      version: history.length,
      globalPosition: last?.globalPosition ?? null,
      consistencyToken: rows[rows.length - 1]?.seq ?? null,
      lastOccurredAt: last?.occurredAt ?? null,
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
        consistencyToken: loaded.consistencyToken ?? '0',
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
    const rows = await this.streamRows(streamId, afterVersion);
    return rows.map((row) => this.reads.toRecorded(row));
  }

  private async streamRows(streamId: string, afterVersion = 0): Promise<EventRow[]> {
    streamTypeOf(streamId);
    const rows = await this.reads.streamRows(streamId, afterVersion);
    const last = rows[rows.length - 1];
    if (last) this.remember(streamId, last.stream_version, last.hash);
    return rows;
  }

  /**
   * The global position a consistency token stands for, once the sealer has given it one: null if
   * that takes longer than `timeoutMs` (an older append still open holds sealing back). The
   * token '0' (a command on an empty stream that appended nothing) stands for the log's start.
   */
  async positionOfToken(token: string, timeoutMs: number): Promise<number | null> {
    if (token === '0') return 0;
    if (!CONSISTENCY_TOKEN.test(token) || BigInt(token) > MAX_SEQ) {
      throw new UnknownConsistencyTokenError(token);
    }
    const known = this.sealer.knownPosition(token);
    if (known !== undefined) return known;
    const row = await this.reads.sealedPositionOfSeq(token);
    if (row === null) throw new UnknownConsistencyTokenError(token);
    if (row.globalPosition !== null) return row.globalPosition;
    return this.sealer.waitForSeq(token, timeoutMs);
  }

  /**
   * One event by its id, or null: how a record whose id is an event's id (an action agreed in a
   * meeting, say) finds the stream that holds it. Includes not-yet-sealed events.
   */
  async readEvent(eventId: string): Promise<RecordedEvent | null> {
    if (!isUuid(eventId)) return null;
    const row = await this.reads.eventRow(eventId.toLowerCase());
    return row ? this.reads.toRecorded(row) : null;
  }

  /** A batch of the global log after a position (exclusive), in order; optionally up to a position. */
  readAll(
    options: { after?: number; limit?: number; upTo?: number } = {},
  ): Promise<RecordedEvent[]> {
    return this.reads.readAll(options);
  }

  /**
   * The last global position sealed at or before a moment: the log as of T is the prefix up to it.
   * Sealing time never decreases along the log, so the answer for a past moment never changes.
   */
  positionAsOf(moment: Date): Promise<number> {
    return this.reads.positionAsOf(moment);
  }

  /** Reads the log as it stood at a moment, in batches. */
  async readAllAsOf(
    moment: Date,
    options: { after?: number; limit?: number } = {},
  ): Promise<RecordedEvent[]> {
    return this.readAll({ ...options, upTo: await this.positionAsOf(moment) });
  }

  headPosition(): Promise<number> {
    return this.reads.headPosition();
  }

  currentVersion(streamId: string): Promise<number> {
    return this.reads.currentVersion(streamId);
  }

  private async headFor(streamId: string, expected: ExpectedVersion): Promise<StreamHead> {
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
      consistencyToken: last.seq,
    };
  }

  /** The position to answer with: awaited (bounded), or none when not awaited or no wait is allowed. */
  private positionOf(seq: string, options: AppendOptions): Promise<number | null> {
    if (options.awaitGlobalPosition === false || this.positionWaitMs === 0) {
      return Promise.resolve(null);
    }
    return this.sealer.waitForSeq(seq, this.positionWaitMs);
  }

  private remember(streamId: string, version: number, hash: string): void {
    this.streamHeads.delete(streamId);
    this.streamHeads.set(streamId, { version, hash });
    if (this.streamHeads.size > MAX_CACHED_STREAM_HEADS) {
      this.streamHeads.delete(this.streamHeads.keys().next().value as string);
    }
  }
}
