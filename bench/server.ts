import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { runMigrations, startEmbeddedPostgres } from '@soc/platform';
import type { MigrationInterface } from 'typeorm';
import { eventStoreMigrations } from '@soc/event-store';

/**
 * Type parsers as `pg` ships them. Emmett's driver (dumbo) replaces the process-wide parsers for
 * int8 (to BigInt) and json/jsonb when it creates a pool; the raw and event-store pools keep the
 * stock behaviour by carrying their own parser table.
 */
export const stockTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      if (oid === 20) return (value: string) => value;
      if (oid === 114 || oid === 3802) return (value: string) => JSON.parse(value) as unknown;
    }
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

const OBJECT_IN_USE = '55006';

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  /** Where the server is: "DATABASE_URL" or "embedded (port N)". */
  readonly description: string;
  readonly version: string;
  /** A fresh database, empty or a copy of `template` (a database created here); returns its URL. */
  createDatabase(template?: string): Promise<string>;
  /** A fresh database with the event-store migrations (and any `more` after them) applied. */
  createEventStoreDatabase(more?: readonly (new () => MigrationInterface)[]): Promise<string>;
  /** Drops one database created here (its connections are closed first). */
  dropDatabase(url: string): Promise<void>;
  /** Asks for a checkpoint, so the next measurement does not inherit the last one's dirty pages; false if not permitted. */
  checkpoint(): Promise<boolean>;
  /**
   * Client sessions on the server outside `database` (and this check's own): other people's
   * work, whose open transactions hold back the snapshot horizon of every database here.
   */
  otherSessions(database: string): Promise<number>;
  /** Drops every database created here and stops the embedded server, if any. */
  close(): Promise<void>;
}

export async function openServer(): Promise<BenchServer> {
  let serverUrl = process.env.DATABASE_URL;
  let description = 'DATABASE_URL';
  let stop = async (): Promise<void> => undefined;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'soc-bench-postgres-'));
    const port = await freePort();
    const server = await startEmbeddedPostgres({
      dir,
      port,
      database: 'postgres',
      persistent: false,
    });
    serverUrl = server.url;
    description = `embedded (port ${port})`;
    stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const url = serverUrl;
  const admin = async <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: databaseUrl(url, 'postgres') });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  const version = await admin(async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  });

  const created: string[] = [];
  const nameOf = (database: string) => new URL(database).pathname.slice(1);
  const createDatabase = async (template?: string) => {
    const name = `bench_${randomBytes(6).toString('hex')}`;
    const from = template ? ` TEMPLATE ${nameOf(template)}` : '';
    for (let attempt = 1; ; attempt++) {
      try {
        await admin((client) => client.query(`CREATE DATABASE ${name}${from}`));
        break;
      } catch (error) {
        // A template is refused while anything (autovacuum, a closing pool) is connected to it.
        if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 20) throw error;
        await sleep(100 * attempt);
      }
    }
    created.push(name);
    return databaseUrl(url, name);
  };
  const dropDatabase = async (database: string) => {
    const name = nameOf(database);
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const index = created.indexOf(name);
    if (index >= 0) created.splice(index, 1);
  };
  return {
    description,
    version,
    createDatabase,
    dropDatabase,
    checkpoint: () =>
      admin((client) => client.query('CHECKPOINT')).then(
        () => true,
        () => false,
      ),
    otherSessions: (database) =>
      admin(async (client) => {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND datname IS DISTINCT FROM $1`,
          [nameOf(database)],
        );
        return rows[0].n;
      }),
    async createEventStoreDatabase(more = []) {
      const database = await createDatabase();
      // The same migrations, run the same way, as the application and the test harness.
      await runMigrations(database, [...eventStoreMigrations, ...more]);
      return database;
    },
    async close() {
      try {
        await admin(async (client) => {
          for (const name of created) {
            await client
              .query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
              .catch(() => undefined);
          }
        });
      } finally {
        await stop();
      }
    },
  };
}

/**
 * A pool whose idle connections may be cut without ending the bench: dropping a cell's database
 * (WITH FORCE) terminates whatever a store left connected, and pg emits that on the pool.
 */
export function benchPool(options: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(options);
  pool.on('error', () => undefined);
  return pool;
}
