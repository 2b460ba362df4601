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
import { stockTypes } from './server.js';

export const EVENT_TYPE = 'directory.OrganisationRegistered';
export const EMMETT_EVENT_TYPE = 'OrganisationRegistered';

export function organisationData(): { organisationId: string; name: string; kind: 'police-force' } {
  const organisationId = randomUUID();
  return { organisationId, name: `Force ${organisationId.slice(0, 8)}`, kind: 'police-force' };
}

export function benchMetadata(): AppendMetadata {
  return {
    actor: { personId: 'bench', organisationId: 'bench' },
    correlationId: randomUUID(),
  };
}

export function ourEvents(count: number): EventToAppend[] {
  return Array.from({ length: count }, () => ({ type: EVENT_TYPE, data: organisationData() }));
}

export function emmettEvents(
  count: number,
): { type: typeof EMMETT_EVENT_TYPE; data: ReturnType<typeof organisationData> }[] {
  return Array.from({ length: count }, () => ({
    type: EMMETT_EVENT_TYPE,
    data: organisationData(),
  }));
}

/** One appender per (contender, writers) cell: its own pool, sized for that many writers. */
export interface Appender {
  /** Appends `events` new events to one new stream. Returns false if something was late (a position wait timed out). */
  append(events: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface Contender {
  readonly label: string;
  open(writers: number): Promise<Appender>;
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

function rawInsertSql(rows: number): string {
  const tuples = Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: RAW_WIDTH }, (_, c) => `$${r * RAW_WIDTH + c + 1}`).join(', ')})`,
  );
  return `INSERT INTO raw_events (${RAW_COLUMNS}) VALUES ${tuples.join(', ')}`;
}

/** Values for `count` rows of one stream, versions from `fromVersion + 1`; hashes are random, not computed. */
export function rawRowValues(
  streamId: string,
  count: number,
  fromVersion = 0,
): { values: unknown[]; eventIds: string[] } {
  const now = new Date().toISOString();
  const correlationId = randomUUID();
  const values: unknown[] = [];
  const eventIds: string[] = [];
  let previousHash: string | null = null;
  for (let i = 0; i < count; i++) {
    const hash = randomBytes(32).toString('hex');
    const eventId = uuidv7();
    eventIds.push(eventId);
    values.push(
      eventId,
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
      JSON.stringify(organisationData()),
      previousHash,
      hash,
    );
    previousHash = hash;
  }
  return { values, eventIds };
}

/** Runs a single- or multi-row INSERT (named, so parsed once per connection); returns the event ids. */
export async function rawInsert(
  db: pg.Pool | pg.PoolClient,
  streamId: string,
  count: number,
  fromVersion = 0,
): Promise<string[]> {
  const { values, eventIds } = rawRowValues(streamId, count, fromVersion);
  await db.query({ name: `raw-insert-${count}`, text: rawInsertSql(count), values });
  return eventIds;
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

export function rawContender(url: string): Contender {
  return {
    label: 'raw INSERT',
    async open(writers) {
      const pool = new pg.Pool({ connectionString: url, max: writers, types: stockTypes });
      return {
        async append(events) {
          await rawInsert(pool, `bench:${randomUUID()}`, events);
          return true;
        },
        close: () => pool.end(),
      };
    },
  };
}

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
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: stockTypes });
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

export function ourContender(url: string, awaitGlobalPosition: boolean): Contender {
  return {
    label: awaitGlobalPosition ? 'ours (awaits position)' : 'ours (no wait)',
    async open(writers) {
      const open = openOurStore(url, ourPoolSize(writers));
      return {
        async append(events) {
          const result = await open.store.append(
            `bench:${randomUUID()}`,
            'no-stream',
            ourEvents(events),
            benchMetadata(),
            awaitGlobalPosition ? {} : { awaitGlobalPosition: false },
          );
          return !awaitGlobalPosition || result.globalPosition !== null;
        },
        close: () => open.close(),
      };
    },
  };
}

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
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
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

export function emmettContender(url: string): Contender {
  return {
    label: 'Emmett 0.42',
    async open(writers) {
      const emmett = openEmmett(url, writers);
      return {
        async append(events) {
          await emmett.store.appendToStream(`organisation-${randomUUID()}`, emmettEvents(events), {
            expectedStreamVersion: 0n,
          });
          return true;
        },
        close: () => emmett.close(),
      };
    },
  };
}

/** Emmett's batch reader over a dumbo pool wrapping a pg.Pool. */
export function emmettReader(pool: pg.Pool, url: string) {
  const db = dumbo({ connectionString: url, pool });
  return (after: bigint, batchSize: number) => readMessagesBatch(db.execute, { after, batchSize });
}
