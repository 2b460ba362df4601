import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  getPostgreSQLEventStore,
  readMessagesBatch,
  type PostgresEventStore,
} from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import { allEventContracts } from '@soc/contracts';
import {
  EventStore,
  EventTypeRegistry,
  GlobalLogSealer,
  type AppendMetadata,
  type EventToAppend,
} from '@soc/event-store';
import { RAW_GROUP_IN_FLIGHT, RawGroupCommit } from './store-raw-group.js';
import { benchPool, stockTypes, type BenchServer } from './server.js';

export const EVENT_TYPE = 'directory.OrganisationRegistered';
export const EMMETT_EVENT_TYPE = 'OrganisationRegistered';

/** A type, not an interface: Emmett's event data must be assignable to a record. */
export type OrganisationData = {
  organisationId: string;
  name: string;
  kind: 'police-force';
};

export function organisationData(): OrganisationData {
  const organisationId = randomUUID();
  return { organisationId, name: `Force ${organisationId.slice(0, 8)}`, kind: 'police-force' };
}

export function benchMetadata(): AppendMetadata {
  return {
    actor: { personId: 'bench', organisationId: 'bench' },
    correlationId: randomUUID(),
  };
}

export function ourEvents(data: readonly OrganisationData[]): EventToAppend[] {
  return data.map((d) => ({ type: EVENT_TYPE, data: d }));
}

export function emmettEvents(
  data: readonly OrganisationData[],
): { type: typeof EMMETT_EVENT_TYPE; data: OrganisationData }[] {
  return data.map((d) => ({ type: EMMETT_EVENT_TYPE, data: d }));
}

/** One appender per (contender, writers) cell: its own pool, sized for that many writers. */
export interface Appender {
  /**
   * Appends these events to one new stream. Resolves with the position the store answers with
   * for the last event (raw: its seq; ours: its global position; Emmett: its global position),
   * or null when it gives none (ours not awaiting, or a position wait that timed out).
   */
  append(data: readonly OrganisationData[]): Promise<string | null>;
  close(): Promise<void>;
}

export type StoreKind = 'raw' | 'ours' | 'emmett';

export interface Contender {
  readonly label: string;
  /** Which template database a cell of this contender starts from. */
  readonly kind: StoreKind;
  /** Whether each append answers with a position; a null answer then counts as late. */
  readonly answersWithPosition: boolean;
  open(url: string, writers: number): Promise<Appender>;
}

/** An empty, ready database per kind of store, copied for each cell (CREATE DATABASE ... TEMPLATE). */
export async function prepareTemplates(server: BenchServer): Promise<Record<StoreKind, string>> {
  const raw = await server.createDatabase();
  await prepareRaw(raw);
  const ours = await server.createEventStoreDatabase();
  const emmett = await server.createDatabase();
  await prepareEmmett(emmett);
  return { raw, ours, emmett };
}

// ---------------------------------------------------------------- raw

/**
 * The limit: the row shape of `event_store.events` (same columns and unique constraints) without
 * any of the store's logic: no transaction-id column or sealing index, no global log, no hashing.
 */
export const RAW_TABLE = `
  CREATE TABLE raw_events (
    seq                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id              uuid NOT NULL UNIQUE,
    stream_id             text NOT NULL,
    stream_type           text NOT NULL,
    stream_version        integer NOT NULL,
    event_type            text NOT NULL,
    schema_version        integer NOT NULL,
    occurred_at           timestamptz NOT NULL,
    recorded_at           timestamptz NOT NULL,
    actor_person_id       text NOT NULL,
    actor_organisation_id text NOT NULL,
    correlation_id        uuid NOT NULL,
    causation_id          uuid,
    payload               jsonb NOT NULL,
    previous_hash         text,
    hash                  text NOT NULL,
    UNIQUE (stream_id, stream_version)
  )`;

const RAW_COLUMNS = `event_id, stream_id, stream_type, stream_version, event_type, schema_version,
  occurred_at, recorded_at, actor_person_id, actor_organisation_id, correlation_id, causation_id,
  payload, previous_hash, hash`;
const RAW_WIDTH = 15;

/** A multi-row INSERT of `rows` rows, answering with each row's seq. */
export function rawInsertSql(rows: number): string {
  const tuples = Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: RAW_WIDTH }, (_, c) => `$${r * RAW_WIDTH + c + 1}`).join(', ')})`,
  );
  return `INSERT INTO raw_events (${RAW_COLUMNS}) VALUES ${tuples.join(', ')} RETURNING seq`;
}

/** Values for one stream's rows, versions from `fromVersion + 1`; hashes are random, not computed. */
export function rawRowValues(
  streamId: string,
  data: readonly OrganisationData[],
  fromVersion = 0,
): unknown[] {
  const now = new Date().toISOString();
  const correlationId = randomUUID();
  const values: unknown[] = [];
  let previousHash: string | null = null;
  data.forEach((d, i) => {
    const hash = randomBytes(32).toString('hex');
    values.push(
      uuidv7(),
      streamId,
      'bench',
      fromVersion + i + 1,
      EVENT_TYPE,
      1,
      now,
      now,
      'bench',
      'bench',
      correlationId,
      null,
      JSON.stringify(d),
      previousHash,
      hash,
    );
    previousHash = hash;
  });
  return values;
}

/** The largest seq of an INSERT's answer. */
export function lastSeq(rows: readonly { seq: string }[]): string {
  return rows
    .map((row) => BigInt(row.seq))
    .reduce((a, b) => (a > b ? a : b))
    .toString();
}

/** One INSERT of one stream's rows (named, so parsed once per connection); resolves with the last seq. */
export async function rawInsert(
  db: pg.Pool | pg.PoolClient,
  streamId: string,
  data: readonly OrganisationData[],
  fromVersion = 0,
): Promise<string> {
  const { rows } = await db.query<{ seq: string }>({
    name: `raw-insert-${data.length}`,
    text: rawInsertSql(data.length),
    values: rawRowValues(streamId, data, fromVersion),
  });
  return lastSeq(rows);
}

export async function prepareRaw(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, types: stockTypes });
  await client.connect();
  try {
    await client.query(RAW_TABLE);
  } finally {
    await client.end();
  }
}

/** One autocommit INSERT per append. */
export const rawPlainContender: Contender = {
  label: 'raw INSERT, one per append',
  kind: 'raw',
  answersWithPosition: true,
  async open(url, writers) {
    const pool = benchPool({ connectionString: url, max: writers, types: stockTypes });
    return {
      append: (data) => rawInsert(pool, `bench:${randomUUID()}`, data),
      close: () => pool.end(),
    };
  },
};

/** Concurrent appends grouped into one multi-row INSERT and one commit, as the store groups its own. */
export const rawBatchedContender: Contender = {
  label: 'raw INSERT, grouped (group commit)',
  kind: 'raw',
  answersWithPosition: true,
  async open(url) {
    const pool = benchPool({
      connectionString: url,
      max: RAW_GROUP_IN_FLIGHT,
      types: stockTypes,
    });
    const group = new RawGroupCommit(pool, RAW_GROUP_IN_FLIGHT, rawInsertSql);
    return {
      append: async (data) =>
        lastSeq(await group.append(rawRowValues(`bench:${randomUUID()}`, data), data.length)),
      close: () => pool.end(),
    };
  },
};

// ---------------------------------------------------------------- ours

export function ourPoolSize(writers: number): number {
  return Math.max(writers, 4) + 2;
}

export interface OpenStore {
  readonly pool: pg.Pool;
  readonly store: EventStore;
  readonly sealer: GlobalLogSealer;
  close(): Promise<void>;
}

export function openOurStore(url: string, poolSize: number): OpenStore {
  const pool = benchPool({ connectionString: url, max: poolSize, types: stockTypes });
  const sealer = new GlobalLogSealer(pool);
  const store = new EventStore(pool, new EventTypeRegistry(allEventContracts), sealer);
  sealer.start();
  return {
    pool,
    store,
    sealer,
    close: async () => {
      await sealer.stop();
      await pool.end();
    },
  };
}

function ourContender(answer: 'global position' | 'consistency token'): Contender {
  const awaitGlobalPosition = answer === 'global position';
  return {
    label: awaitGlobalPosition
      ? 'ours, awaiting the global position'
      : 'ours, answering with a consistency token',
    kind: 'ours',
    answersWithPosition: true,
    async open(url, writers) {
      const open = openOurStore(url, ourPoolSize(writers));
      return {
        async append(data) {
          const { globalPosition, consistencyToken } = await open.store.append(
            `bench:${randomUUID()}`,
            'no-stream',
            ourEvents(data),
            benchMetadata(),
            { awaitGlobalPosition },
          );
          if (!awaitGlobalPosition) return consistencyToken;
          return globalPosition === null ? null : String(globalPosition);
        },
        close: () => open.close(),
      };
    },
  };
}

/** `EventStore.append` with its default options: it answers once the events have their global position. */
export const ourAwaitingContender = ourContender('global position');
/**
 * `awaitGlobalPosition: false`: answers once the events are committed, with a consistency token
 * that a read waits on (EventStore.positionOfToken) instead of the position.
 */
export const ourTokenContender = ourContender('consistency token');

// ---------------------------------------------------------------- Emmett

export interface OpenEmmett {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  close(): Promise<void>;
}

/**
 * Emmett over a pg.Pool of our choosing (its default pool is pg's default, max 10).
 * Schema migration is done once up front, so appends skip it.
 */
export function openEmmett(url: string, poolSize: number, migrate = false): OpenEmmett {
  const pool = benchPool({ connectionString: url, max: poolSize });
  const store = getPostgreSQLEventStore(url, {
    connectionOptions: { pool },
    schema: { autoMigration: migrate ? 'CreateOrUpdate' : 'None' },
  });
  return {
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
    },
  };
}

export async function prepareEmmett(url: string): Promise<void> {
  const emmett = openEmmett(url, 2, true);
  try {
    await emmett.store.schema.migrate();
  } finally {
    await emmett.close();
  }
}

/** `appendToStream` through Emmett's public API; it answers with the last event's global position. */
export const emmettContender: Contender = {
  label: 'Emmett 0.42 appendToStream',
  kind: 'emmett',
  answersWithPosition: true,
  async open(url, writers) {
    const emmett = openEmmett(url, writers);
    return {
      async append(data) {
        const { lastEventGlobalPosition } = await emmett.store.appendToStream(
          `organisation-${randomUUID()}`,
          emmettEvents(data),
          { expectedStreamVersion: 0n },
        );
        return String(lastEventGlobalPosition);
      },
      close: () => emmett.close(),
    };
  },
};

/** Emmett's batch reader over a dumbo pool wrapping a pg.Pool. */
export function emmettReader(pool: pg.Pool, url: string) {
  const db = dumbo({ connectionString: url, pool });
  return (after: bigint, batchSize: number) => readMessagesBatch(db.execute, { after, batchSize });
}
