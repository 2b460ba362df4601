import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import { resilientPgDriver } from './resilient-pool.js';

export interface DatabaseSettings {
  readonly url: string;
  readonly poolSize: number;
  readonly idleInTransactionTimeoutMs: number;
  /** How long taking a connection may wait (server unreachable, pool exhausted); default 5 s. */
  readonly connectTimeoutMs?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function>;
}

/**
 * TypeORM options: schema only through migrations, run at start; never `synchronize`. Connections
 * survive the server going away (see ResilientPool), fail fast rather than hang while it is away,
 * and send TCP keepalives so a silently dropped peer is noticed.
 */
export function databaseOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    migrations: settings.migrations,
    applicationName: 'soc-partnership',
    driver: resilientPgDriver,
    // Failures reach the code that used the connection; an idle one lost is simply replaced.
    poolErrorHandler: () => undefined,
    extra: {
      max: settings.poolSize,
      connectionTimeoutMillis: settings.connectTimeoutMs ?? 5000,
      keepAlive: true,
      options: `-c idle_in_transaction_session_timeout=${settings.idleInTransactionTimeoutMs}`,
    },
  };
}

/** Applies migrations to a database outside the application (seed, tests, benchmarks). */
export async function runMigrations(
  url: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>,
): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url, migrations, logging: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}
