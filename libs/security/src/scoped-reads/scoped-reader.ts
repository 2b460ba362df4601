import { READ_MODEL_ROLE } from '@soc/platform';
import type { Pool, PoolClient } from 'pg';
import type {
  AccessLogEntry,
  PersonalDataAccessLog,
} from '../access-log/personal-data-access-log.js';
import type { AccessContext } from '../http/security.decorators.js';

/**
 * Runs read-model queries as the caller, in one transaction: the role `soc_reader` with the
 * caller's organisation and roles set for it, so row-level security filters every row even if a
 * query forgets to. Logs the personal data it disclosed in the same transaction.
 */
export class ScopedReader {
  constructor(
    private readonly pool: Pool,
    private readonly accessLog: PersonalDataAccessLog,
  ) {}

  async read<T>(
    access: AccessContext,
    run: (db: PoolClient) => Promise<T>,
    disclosed: (result: T) => readonly AccessLogEntry[] = () => [],
  ): Promise<T> {
    const db = await this.pool.connect();
    try {
      await db.query('BEGIN');
      await enterScope(db, access);
      const result = await run(db);
      await db.query('RESET ROLE');
      await this.accessLog.record(db, access, disclosed(result));
      await db.query('COMMIT');
      return result;
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      db.release();
    }
  }
}

/** Switches the transaction to the reader role and the caller's scope (until it ends). */
export async function enterScope(db: PoolClient, access: AccessContext): Promise<void> {
  await db.query(`SET LOCAL ROLE ${READ_MODEL_ROLE}`);
  await db.query(
    `SELECT set_config('soc.organisation_id', $1, true), set_config('soc.roles', $2, true),
            set_config('soc.person_id', $3, true)`,
    [access.principal.organisationId, access.principal.roles.join(','), access.principal.personId],
  );
}
