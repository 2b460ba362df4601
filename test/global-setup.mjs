import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../libs/platform/src/database/embedded-postgres.js';
import { startKafkaBroker } from './kafka/kafka-broker.mjs';

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
async function setUpPostgres() {
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
  /** @type {{ __testPostgres?: unknown }} */ (globalThis).__testPostgres = { server, dir };
}

/**
 * Gives the integration tests a real Kafka in TEST_KAFKA_BROKERS: KAFKA_BROKERS when set,
 * otherwise a single-node broker (KRaft) run with `java` from jars fetched once by `mvn` into
 * .cache/kafka (see test/kafka/kafka-broker.mjs), in a temporary folder removed at teardown.
 *
 * TEST_KAFKA=off skips the broker altogether (no Java or Maven needed, a few seconds saved),
 * e.g. `TEST_KAFKA=off npm run test:int`; the suites that need Kafka are then skipped.
 */
async function setUpKafka() {
  if (process.env.KAFKA_BROKERS) {
    process.env.TEST_KAFKA_BROKERS = process.env.KAFKA_BROKERS;
    return;
  }
  if (process.env.TEST_KAFKA === 'off') return;
  const dir = mkdtempSync(join(tmpdir(), 'soc-test-kafka-'));
  const broker = await startKafkaBroker({ dataDir: dir });
  process.env.TEST_KAFKA_BROKERS = broker.brokers;
  /** @type {{ __testKafka?: unknown }} */ (globalThis).__testKafka = { broker, dir };
}

/**
 * PostgreSQL and Kafka start side by side; both are stopped again in global-teardown.mjs. This is
 * the integration project's setup (jest.config.js): a run of unit tests alone never gets here.
 */
export default async function globalSetup() {
  // Applications started by the tests log nothing unless asked (LOG_LEVEL=info npm test).
  process.env.LOG_LEVEL ??= 'silent';
  const results = await Promise.allSettled([setUpPostgres(), setUpKafka()]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    // Do not leave the other one running: teardown does not run when setup fails.
    const { default: globalTeardown } = await import('./global-teardown.mjs');
    await globalTeardown().catch(() => undefined);
    throw failure.reason;
  }
}
