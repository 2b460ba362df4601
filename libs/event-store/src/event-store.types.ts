import type { Actor, DomainEvent } from '@soc/contracts';

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
  /**
   * The global position of the last event, or null if not sealed within the wait (or not awaited:
   * `awaitGlobalPosition: false`).
   */
  readonly globalPosition: number | null;
  /**
   * Stands for the last event's place in the log, known as soon as the events are committed,
   * before they have a global position: a read given it waits until its view has applied them
   * (EventStore.positionOfToken), so an append need not wait for its position to offer
   * read-your-writes. Opaque to callers.
   */
  readonly consistencyToken: string;
}

/** A stream folded into a decider's state, and where it stood when read. */
export interface LoadedStream<TState> {
  readonly state: TState;
  readonly version: number;
  /** Global position of its last event, or null (empty stream, or not sealed yet). */
  readonly globalPosition: number | null;
  /** The consistency token of its last event, or null for an empty stream. */
  readonly consistencyToken: string | null;
  /** When its last fact happened in the world (business time), or null for an empty stream. */
  readonly lastOccurredAt: string | null;
}

export interface AppendOptions {
  /**
   * Wait until the events have a global position; default true. Without it the append answers
   * once committed, with its consistency token for read-your-writes and no global position.
   */
  readonly awaitGlobalPosition?: boolean;
}

export interface EventStoreOptions {
  /** Largest payload accepted, in bytes of JSON (default 256 KiB). */
  readonly maxPayloadBytes?: number;
  /** How long an append waits for its global position (default 5 s); 0: appends answer at commit, with their consistency token. */
  readonly positionWaitMs?: number;
  /** Append statements in flight at once; concurrent appends beyond it are grouped (default 2). */
  readonly appendStatementsInFlight?: number;
}
