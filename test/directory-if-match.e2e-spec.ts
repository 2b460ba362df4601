import { randomUUID } from 'node:crypto';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type TestApp,
} from './support/test-app.js';

/** Directory commands honour If-Match like every other command: a stale version changes nothing. */
describe('If-Match on directory commands (real PostgreSQL)', () => {
  let t: TestApp;
  let admin: AuthenticatedAgent;
  const organisationId = `cleveland-police-${randomUUID().slice(0, 6)}`;
  const personId = `${organisationId}-analyst-1`;
  let version = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.as(principal(organisationId, ['admin']));
    await admin
      .post('/directory/organisations')
      .send({ organisationId, name: 'Cleveland Police', kind: 'police-force' })
      .expect(201);
    const enrolled = await admin
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName: 'DC Alex Reed', roles: ['analyst'] })
      .expect(201);
    version = enrolled.body.streamVersion;
  });
  afterAll(() => t.close());

  it('refuses a stale version with 409 and the current one, appending nothing', async () => {
    const before = await t.eventCount();
    const stale = await admin
      .put(`/directory/people/${personId}/roles`)
      .set('if-match', String(version + 1))
      .send({ roles: ['analyst', 'lro'] })
      .expect(409);
    expect(stale.body).toMatchObject({
      type: '/problems/version-conflict',
      currentVersion: version,
    });
    expect(await t.eventCount()).toBe(before);
  });

  it('refuses a malformed If-Match with 400', async () => {
    const malformed = await admin
      .post(`/directory/people/${personId}/erasure`)
      .set('if-match', 'yesterday')
      .send({ reason: 'Left the force; retention period ended' })
      .expect(400);
    expect(malformed.body.type).toBe('/problems/if-match-malformed');
  });

  it('applies the command at the version the caller saw (bare or quoted)', async () => {
    const changed = await admin
      .put(`/directory/people/${personId}/roles`)
      .set('if-match', `"${version}"`)
      .send({ roles: ['analyst', 'lro'] })
      .expect(200);
    expect(changed.body.streamVersion).toBe(version + 1);
    await admin
      .post(`/directory/people/${personId}/erasure`)
      .set('if-match', String(version + 1))
      .send({ reason: 'Left the force; retention period ended' })
      .expect(200);
  });
});
