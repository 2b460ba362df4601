/** Who did something: a person acting for an organisation. */
export interface Actor {
  readonly personId: string;
  readonly organisationId: string;
}

/** Turns a payload stored at schema version N into its shape at version N + 1. */
export type Upcaster = (payload: never) => unknown;

/**
 * The published declaration of one event type: its name (`<context>.<PastTense>`), its current
 * schema version, and how to read payloads written at older versions.
 */
export interface EventContract<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly context: string;
  readonly schemaVersion: number;
  /** upcasters[n] upgrades a version-n payload to version n + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /**
   * Names the type was stored under before it was renamed. Stored events keep the name they were
   * written with (it is part of their hash); they are read as this type, never appended again.
   */
  readonly formerly: readonly string[];
  /** Phantom field carrying the payload type; never set at run time. */
  readonly payload?: TPayload;
}

/** An event as a decider produces it: its type and its payload in the current shape. */
export interface DomainEvent<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly data: TPayload;
}

export type PayloadOf<C> = C extends EventContract<string, infer P> ? P : never;
export type EventOf<C> = C extends EventContract<infer T, infer P> ? DomainEvent<T, P> : never;

/** How to read events of a type written before its current version or under an older name. */
export interface EventContractOptions {
  /** upcasters[n] upgrades a version-n payload to version n + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
  /** Former names of the type (`<context>.<PastTenseName>` each), as events were stored then. */
  readonly formerly?: readonly string[];
}

const EVENT_TYPE = /^([a-z][a-z-]*)\.[A-Z][A-Za-z0-9]+$/;

/**
 * Declares an event type: `defineEvent<Payload>()(type, schemaVersion, upcasters)`, or with
 * options, `defineEvent<Payload>()(type, schemaVersion, { upcasters, formerly: ['old.Name'] })`.
 */
export function defineEvent<TPayload>() {
  return <TType extends string>(
    type: TType,
    schemaVersion: number,
    upcastersOrOptions: Readonly<Record<number, Upcaster>> | EventContractOptions = {},
  ): EventContract<TType, TPayload> => {
    const match = EVENT_TYPE.exec(type);
    if (!match) throw new Error(`Event type "${type}" must read "<context>.<PastTenseName>"`);
    if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
      throw new Error(`Event type "${type}" needs a schema version of 1 or more`);
    }
    const { upcasters = {}, formerly = [] } = isOptions(upcastersOrOptions)
      ? upcastersOrOptions
      : { upcasters: upcastersOrOptions };
    for (let version = 1; version < schemaVersion; version++) {
      if (!upcasters[version])
        throw new Error(`Event type "${type}" lacks an upcaster from v${version}`);
    }
    for (const former of formerly) {
      if (!EVENT_TYPE.test(former)) {
        throw new Error(`Former name "${former}" of ${type} must read "<context>.<PastTenseName>"`);
      }
      if (former === type) throw new Error(`Event type "${type}" names itself as a former name`);
    }
    if (new Set(formerly).size !== formerly.length) {
      throw new Error(`Event type "${type}" lists a former name twice`);
    }
    return { type, context: match[1], schemaVersion, upcasters, formerly: [...formerly] };
  };
}

function isOptions(
  value: Readonly<Record<number, Upcaster>> | EventContractOptions,
): value is EventContractOptions {
  return 'upcasters' in value || 'formerly' in value;
}

/** Builds a domain event of a declared type, checked against its payload type. */
export function eventOf<TType extends string, TPayload>(
  contract: EventContract<TType, TPayload>,
  data: TPayload,
): DomainEvent<TType, TPayload> {
  return { type: contract.type, data };
}
