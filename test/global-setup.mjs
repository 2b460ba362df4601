import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../libs/platform/src/database/embedded-postgres.js';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Gives the integration tests a real PostgreSQL: DATABASE_URL when set, otherwise an embedded
 * server in a temporary folder, started once for the whole run. Each test file then creates
 * its own database on it.
 */
export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TEST_POSTGRES_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'soc-test-postgres-'));
  const server = await startEmbeddedPostgres({
    dir,
    port: await freePort(),
    database: 'postgres',
    persistent: false,
  });
  process.env.TEST_POSTGRES_URL = server.url;
  /** @type {{ __testPostgres?: unknown }} */ (globalThis).__testPostgres = server;
}
