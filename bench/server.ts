import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** A fresh database with the event-store migrations (and any `more` after them) applied. */
  createEventStoreDatabase(more?: readonly (new () => MigrationInterface)[]): Promise<string>;
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
  const createDatabase = async () => {
    const name = `bench_${randomBytes(6).toString('hex')}`;
    await admin((client) => client.query(`CREATE DATABASE ${name}`));
    created.push(name);
    return databaseUrl(url, name);
  };
  return {
    description,
    version,
    createDatabase,
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
