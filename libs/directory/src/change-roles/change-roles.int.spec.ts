import { DURHAM, callers, directoryHarness } from '../../test/directory.setup.js';

/**
 * Changing a person's roles over HTTP on the standalone app and real PostgreSQL.
 */
describe('change a person’s roles over HTTP (real PostgreSQL)', () => {
  const harness = directoryHarness();
  const { as, enrol, readPerson } = harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('change roles: PUT /directory/people/:personId/roles', () => {
    const personId = 'cleveland-roles-1';
    let enrolledAt = 0;
    beforeAll(async () => {
      enrolledAt = (await enrol(personId, 'DS Robin Hale', ['analyst'])).globalPosition;
    });

    it('lets the admin of the same organisation change them; a read with minPosition sees it', async () => {
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['analyst', 'lro'] })
        .expect(200);
      expect(body).toEqual({
        streamId: `person:${personId}`,
        streamVersion: 2,
        globalPosition: expect.any(Number),
        consistencyToken: expect.stringMatching(/^[1-9][0-9]*$/),
      });
      expect(body.globalPosition).toBeGreaterThan(enrolledAt);
      const view = await readPerson(personId, body.globalPosition, callers.clevelandPartner);
      expect(view).toMatchObject({ roles: ['analyst', 'lro'], displayName: 'DS Robin Hale' });
      expect(view.globalPosition).toBe(body.globalPosition);
    });

    it('appends nothing when the roles are the same, in any order', async () => {
      const { body: first } = await (
        await as(callers.clevelandAdmin)
      )
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['meeting-chair', 'analyst'] })
        .expect(200);
      const before = await t.eventCount();
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['analyst', 'meeting-chair'] })
        .expect(200);
      expect(body).toEqual(first);
      expect(await t.eventCount()).toBe(before);
    });

    it('answers 404 to the admin of another organisation, giving nothing away (nothing appended)', async () => {
      const before = await t.eventCount();
      const response = await (
        await as(callers.durhamAdmin)
      )
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['admin'] })
        .expect(404);
      expect(response.body).toMatchObject({ type: '/problems/not-found', status: 404 });
      expect(JSON.stringify(response.body)).not.toContain('Hale');
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses a colleague who is not an admin (403, nothing appended)', async () => {
      const before = await t.eventCount();
      await (
        await as(callers.clevelandLro)
      )
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['admin'] })
        .expect(403);
      expect(await t.eventCount()).toBe(before);
    });

    it('answers 404 for a person never enrolled', async () => {
      await (
        await as(callers.clevelandAdmin)
      )
        .put('/directory/people/cleveland-nobody/roles')
        .send({ roles: ['analyst'] })
        .expect(404);
    });

    it.each([
      ['a role that does not exist', { roles: ['chief'] }],
      ['the same role twice', { roles: ['analyst', 'analyst'] }],
      ['an unknown field', { roles: ['analyst'], organisationId: DURHAM }],
      ['no roles', {}],
    ])('refuses %s with a 400 (nothing appended)', async (_what, body) => {
      const before = await t.eventCount();
      const response = await (
        await as(callers.clevelandAdmin)
      )
        .put(`/directory/people/${personId}/roles`)
        .send(body)
        .expect(400);
      expect(response.body).toMatchObject({ type: '/problems/validation', status: 400 });
      expect(await t.eventCount()).toBe(before);
    });
  });
});
