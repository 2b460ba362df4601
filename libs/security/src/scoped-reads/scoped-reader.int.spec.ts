import { createTestDatabase, type TestDatabase } from '@soc/testing';
import type { PoolClient } from 'pg';
import { PersonalDataAccessLog } from '../access-log/personal-data-access-log.js';
import type { AccessContext } from '../http/security.decorators.js';
import type { PersonalDataCipher } from '../personal-data/personal-data-cipher.js';
import { openInScope, ScopedReader } from './scoped-reader.js';

const access: AccessContext = {
  principal: {
    personId: 'analyst-1',
    organisationId: 'cleveland-police',
    roles: ['analyst', 'lro'],
  },
  purpose: 'MARSOC meeting preparation',
  requestId: null,
};

const whoAmI = async (db: Pick<PoolClient, 'query'>) =>
  (
    await db.query<{ role: string; org: string; roles: string; person: string }>(
      `SELECT current_user AS role, current_setting('soc.organisation_id', true) AS org,
              current_setting('soc.roles', true) AS roles,
              current_setting('soc.person_id', true) AS person`,
    )
  ).rows[0];

describe('scoped reads (real PostgreSQL)', () => {
  let db: TestDatabase;
  let reader: ScopedReader;
  let application: string;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 1 });
    reader = new ScopedReader(db.pool, new PersonalDataAccessLog(db.pool));
    application = (await whoAmI(db.pool)).role;
  });
  afterAll(() => db.drop());

  const inScope = {
    role: 'soc_reader',
    org: 'cleveland-police',
    roles: 'analyst,lro',
    person: 'analyst-1',
  };

  it('runs as the reader role, in the caller’s scope', async () => {
    await expect(reader.read(access, whoAmI)).resolves.toEqual(inScope);
  });

  it('opens personal data as the application, then returns to the caller’s scope', async () => {
    const cipher = { open: (_payload: unknown, client: PoolClient) => whoAmI(client) };
    const seen = await reader.read(access, async (client) => ({
      opening: await openInScope<{ role?: string }>(
        cipher as unknown as PersonalDataCipher,
        client,
        access,
        {},
      ),
      after: await whoAmI(client),
    }));
    expect(seen.opening.role).toBe(application);
    expect(seen.after).toEqual(inScope);
  });

  it('leaves neither the role nor the scope on the pooled connection', async () => {
    await reader.read(access, whoAmI);
    await expect(
      reader.read(access, () => Promise.reject(new Error('read failed'))),
    ).rejects.toThrow('read failed');
    const after = await whoAmI(db.pool);
    expect(after.role).toBe(application);
    expect(after.org || null).toBeNull();
  });
});
