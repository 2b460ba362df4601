import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { Client } from 'pg';
import { allEventContracts } from '@soc/contracts';
import {
  EventStore,
  EventTypeRegistry,
  eventStoreMigrations,
  GlobalLogSealer,
} from '@soc/event-store';
import { deliveryMigrations } from '@soc/messaging';
import { platformMigrations, ResilientPool, runMigrations } from '@soc/platform';
import { securityMigrations } from '@soc/security';

/** Set by the jest global setup: a server the tests may create databases on. */
export function testServerUrl(): string {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url)
    throw new Error(
      'TEST_POSTGRES_URL is not set: run the tests through jest (see test/global-setup.ts)',
    );
  return url;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly pool: Pool;
  /** Runs SQL as the server's superuser, outside the application pool. */
  admin<T>(run: (client: Client) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

/**
 * A fresh database, with every migration applied unless `migrate` is false (to let an
 * application apply them at start); one per test file keeps files independent.
 */
export async function createTestDatabase({
  poolSize = 20,
  migrate = true,
  serverUrl,
}: {
  poolSize?: number;
  migrate?: boolean;
  /** Another server than the shared test server (e.g. one a fault test kills). */
  serverUrl?: string;
} = {}): Promise<TestDatabase> {
  const server = serverUrl ?? testServerUrl();
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = async <T>(
    run: (client: Client) => Promise<T>,
    database = 'postgres',
  ): Promise<T> => {
    const client = new Client({ connectionString: databaseUrl(server, database) });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(server, name);
  if (migrate) {
    await runMigrations(url, [
      ...eventStoreMigrations,
      ...deliveryMigrations,
      ...securityMigrations,
      ...platformMigrations,
    ]);
  }
  const pool = new ResilientPool({ connectionString: url, max: poolSize });
  return {
    url,
    name,
    pool,
    admin: (run) => admin(run, name),
    drop: async () => {
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** An event store over a test database, with its sealer running. */
export function eventStoreFor(
  pool: Pool,
  options: ConstructorParameters<typeof EventStore>[3] = {},
): { store: EventStore; sealer: GlobalLogSealer } {
  const sealer = new GlobalLogSealer(pool);
  const store = new EventStore(pool, new EventTypeRegistry(allEventContracts), sealer, options);
  sealer.start();
  return { store, sealer };
}

/**
 * A transaction held open on a connection of its own, whose appends go through `store`: the
 * first write of the transaction, so they hold the sealer's horizon back until `end`.
 */
export async function openAppendTransaction(
  pool: Pool,
  sealer: GlobalLogSealer,
): Promise<{ store: EventStore; end(outcome: 'COMMIT' | 'ROLLBACK'): Promise<void> }> {
  const client = await pool.connect();
  await client.query('BEGIN');
  const store = new EventStore(
    client as unknown as Pool,
    new EventTypeRegistry(allEventContracts),
    sealer,
  );
  let ended = false;
  return {
    store,
    async end(outcome) {
      if (ended) return;
      ended = true;
      try {
        await client.query(outcome);
      } finally {
        client.release();
      }
    },
  };
}
