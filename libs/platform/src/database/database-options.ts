import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';

export interface DatabaseSettings {
  readonly url: string;
  readonly poolSize: number;
  readonly idleInTransactionTimeoutMs: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function>;
}

/** TypeORM options: schema only through migrations, run at start; never `synchronize`. */
export function databaseOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    synchronize: false,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    migrations: settings.migrations,
    applicationName: 'soc-partnership',
    extra: {
      max: settings.poolSize,
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
