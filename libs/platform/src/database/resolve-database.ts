import { join } from 'node:path';
import pg from 'pg';
import type { Env } from '../config/env.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  readonly url: string;
  readonly description: string;
  /** Stops the embedded server if this process started it. */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR, started here unless
 * another process (the running application, say) already serves it.
 */
export async function resolveDatabase(env: Env, database = 'soc'): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, description: 'DATABASE_URL', stop: async () => undefined };
  }
  const dir = join(env.DATA_DIR, 'postgres');
  const description = `embedded PostgreSQL on port ${env.EMBEDDED_POSTGRES_PORT}, data in ${dir}`;
  const running = `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/${database}`;
  if (await answers(running)) return { url: running, description, stop: async () => undefined };
  const server = await startEmbeddedPostgres({ dir, port: env.EMBEDDED_POSTGRES_PORT, database });
  return { ...server, description };
}
