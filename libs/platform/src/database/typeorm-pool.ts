import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool under a TypeORM DataSource (postgres driver): one pool for the whole application. */
export function typeOrmPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
