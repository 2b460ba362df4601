import { READ_MODEL_ROLE } from '@soc/platform';
import type { Pool, PoolClient } from 'pg';
import type {
  AccessLogEntry,
  PersonalDataAccessLog,
} from '../access-log/personal-data-access-log.js';
import type { AccessContext } from '../http/security.decorators.js';
import type { PersonalDataCipher } from '../personal-data/personal-data-cipher.js';

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

/**
 * Switches the transaction to the reader role and the caller's scope (until it ends), in one
 * round trip: `set_config('role', ..., true)` is `SET LOCAL ROLE`, checked as it is.
 */
export async function enterScope(db: PoolClient, access: AccessContext): Promise<void> {
  await db.query(
    `SELECT set_config('soc.organisation_id', $1, true), set_config('soc.roles', $2, true),
            set_config('soc.person_id', $3, true), set_config('role', $4, true)`,
    [
      access.principal.organisationId,
      access.principal.roles.join(','),
      access.principal.personId,
      READ_MODEL_ROLE,
    ],
  );
}

/**
 * Opens personal data read inside a scoped read, on that read's own connection: the keys are
 * read under the application's role (the reader role may not see them), then the caller's scope
 * is restored. Taking a second pool connection instead would deadlock once every connection of
 * the pool is held by a read waiting for one.
 */
export async function openInScope<T>(
  cipher: PersonalDataCipher,
  db: PoolClient,
  access: AccessContext,
  payload: T,
): Promise<T> {
  await db.query('RESET ROLE');
  try {
    return await cipher.open(payload, db);
  } finally {
    await enterScope(db, access);
  }
}
