import { Inject, Injectable } from '@nestjs/common';
import type { DomainEvent } from '@soc/contracts';
import {
  AlreadyExistsError,
  businessMoment,
  type CommandResult,
  type Decider,
  EventStore,
  type LoadedStream,
  toCommandResult,
} from '@soc/event-store';
import { CLOCK, type Clock, isoDate } from '@soc/platform';
import { RecordNotFoundError } from '../errors.js';
import type { ExpectedVersion } from '../http/command-route.js';
import { commandMetadata } from '../http/command-metadata.js';
import type { AccessContext } from '../http/security.decorators.js';
import type { ResourceDescriptor } from '../policy/access-policy.js';
import { enforce } from '../policy/enforce.js';
import type { Permission } from '../policy/permissions.js';

/** What the policy knows of one record, and how the access log names it. */
export type RecordDescriptor = ResourceDescriptor & { readonly type: string; readonly id: string };

/**
 * One kind of record a context's commands change: its stream, its pure decider, when a stream
 * holds one, and what the policy knows of it. Commands and queries share the descriptor, so the
 * rule that decides who may act is the one that decides who may read.
 */
export interface RecordKind<TState, TCommand, TEvent extends DomainEvent, TRecord extends TState> {
  readonly type: string;
  readonly streamOf: (id: string) => string;
  readonly decider: Decider<TState, TCommand, TEvent>;
  readonly exists: (state: TState) => state is TRecord;
  readonly describe: (id: string, record: TRecord) => RecordDescriptor;
}

/** A record loaded for a command: its state, where its stream stood, and its descriptor. */
export interface LoadedRecord<TRecord> extends LoadedStream<TRecord> {
  readonly id: string;
  readonly descriptor: RecordDescriptor;
}

/** When a command's fact happened: the date the user gave (or today), and today itself. */
export interface FactDates {
  readonly on: string;
  readonly today: string;
}

export interface DecideOptions {
  /** The caller's If-Match: the command applies only at that version. */
  readonly expected?: ExpectedVersion;
  /** The business date the user gave the fact, and the field it came in (for the 422). */
  readonly on?: string;
  readonly dateField?: string;
}

/**
 * The shell every command handler runs in: load the record (404 as when the caller may not know
 * of it), check the caller's permission on it, place the fact in business time, run the pure
 * decider and append at the version that was checked (or the caller's If-Match).
 */
@Injectable()
export class RecordCommands {
  constructor(
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): string {
    return isoDate(this.clock.now());
  }

  async load<S, C, E extends DomainEvent, R extends S>(
    kind: RecordKind<S, C, E, R>,
    id: string,
  ): Promise<LoadedRecord<R>> {
    const loaded = await this.store.load(kind.streamOf(id), kind.decider);
    const { state } = loaded;
    if (!kind.exists(state)) throw new RecordNotFoundError(kind.type, id);
    return { ...loaded, state, id, descriptor: kind.describe(id, state) };
  }

  /** The record, if the caller holds `permission` on it: 403, or 404 when they may not know of it. */
  async authorise<S, C, E extends DomainEvent, R extends S>(
    access: AccessContext,
    kind: RecordKind<S, C, E, R>,
    id: string,
    permission: Permission,
  ): Promise<LoadedRecord<R>> {
    const loaded = await this.load(kind, id);
    enforce(access.principal, permission, loaded.descriptor);
    return loaded;
  }

  /** Decides `command` on a record already loaded and checked, and appends what it produced. */
  async decide<S, C, E extends DomainEvent, R extends S>(
    access: AccessContext,
    kind: RecordKind<S, C, E, R>,
    loaded: LoadedStream<S> & { readonly id: string },
    command: (dates: FactDates) => C,
    { expected = {}, on, dateField }: DecideOptions = {},
  ): Promise<CommandResult> {
    const now = this.clock.now();
    const moment = businessMoment(on, now, loaded.lastOccurredAt, dateField);
    const result = await this.store.decideOn(
      kind.streamOf(loaded.id),
      kind.decider,
      loaded,
      command({ on: moment.on, today: isoDate(now) }),
      { ...commandMetadata(access), occurredAt: moment.occurredAt },
      expected,
    );
    return toCommandResult(result);
  }

  /** The whole command on an existing record: authorise under `permission`, then decide. */
  async change<S, C, E extends DomainEvent, R extends S>(
    access: AccessContext,
    kind: RecordKind<S, C, E, R>,
    id: string,
    permission: Permission,
    command: (dates: FactDates) => C,
    /** Or a function of the record, for a default that depends on it (a meeting's own day). */
    options: DecideOptions | ((record: R) => DecideOptions) = {},
  ): Promise<CommandResult> {
    const loaded = await this.authorise(access, kind, id, permission);
    const chosen = typeof options === 'function' ? options(loaded.state) : options;
    return this.decide(access, kind, loaded, command, chosen);
  }

  /** Starts a new record: 409 when its stream already holds one. */
  async create<S, C, E extends DomainEvent, R extends S>(
    access: AccessContext,
    kind: RecordKind<S, C, E, R>,
    id: string,
    command: (dates: FactDates) => C,
    options: DecideOptions = {},
  ): Promise<CommandResult> {
    const loaded = await this.store.load(kind.streamOf(id), kind.decider);
    if (kind.exists(loaded.state)) {
      throw new AlreadyExistsError(`${kind.type} ${id} already exists`);
    }
    return this.decide(access, kind, { ...loaded, id }, command, options);
  }
}
