import type { Role } from '@soc/security';
import {
  CLEVELAND,
  ROOT,
  admin,
  cleveland,
  directoryHarness,
  principal,
  someone,
} from '../../test/directory.setup.js';

/** Reading organisations over HTTP, on the standalone app and real PostgreSQL. */
describe('directory organisations read over HTTP (real PostgreSQL)', () => {
  const harness = directoryHarness({ organisations: [cleveland], registrar: admin(ROOT) });
  let t: typeof harness.t;
  let registeredAt = 0;
  beforeAll(() => {
    t = harness.t;
    registeredAt = harness.registeredAt(CLEVELAND);
  });

  describe('GET /directory/organisations', () => {
    it.each<[string, Role]>([
      ['an analyst of another organisation', 'analyst'],
      ['a partner officer', 'partner-officer'],
      ['an auditor', 'auditor'],
      ['an admin', 'admin'],
    ])('lists every organisation to %s, without a purpose', async (_who, role) => {
      const token = await t.tokenFor(someone('durham-constabulary', role));
      const { body } = await t
        .http()
        .get('/directory/organisations')
        .query({ minPosition: registeredAt })
        .set('authorization', `Bearer ${token}`)
        .expect(200);
      expect(body).toContainEqual({
        organisationId: CLEVELAND,
        name: 'Cleveland Police',
        kind: 'police-force',
        people: 0,
        globalPosition: registeredAt,
      });
    });

    it('refuses a caller with no role (403)', async () => {
      await (
        await t.as(principal(CLEVELAND, [], 'nobody'))
      )
        .get('/directory/organisations')
        .expect(403);
    });

    it('lists in order of name', async () => {
      const root = await t.as(admin(ROOT));
      let position = 0;
      for (const [organisationId, name] of [
        ['zz-first', 'Aardvark Housing'],
        ['aa-last', 'Zephyr Youth Services'],
      ]) {
        const { body } = await root
          .post('/directory/organisations')
          .send({ organisationId, name, kind: 'non-statutory-partner' })
          .expect(201);
        position = body.globalPosition;
      }
      const { body } = await root
        .get('/directory/organisations')
        .query({ minPosition: position })
        .expect(200);
      const names = body.map((organisation: { name: string }) => organisation.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(
        expect.arrayContaining(['Aardvark Housing', 'Cleveland Police', 'Zephyr Youth Services']),
      );
    });
  });

  describe('GET /directory/organisations/:organisationId', () => {
    it('shows one organisation to anyone with a role', async () => {
      const { body } = await (
        await t.as(someone('durham-constabulary', 'partner-officer'))
      )
        .get(`/directory/organisations/${CLEVELAND}`)
        .query({ minPosition: registeredAt })
        .expect(200);
      expect(body).toEqual({
        organisationId: CLEVELAND,
        name: 'Cleveland Police',
        kind: 'police-force',
        people: 0,
        globalPosition: registeredAt,
      });
    });

    it('reads its own write with minPosition', async () => {
      const root = await t.as(admin(ROOT));
      const { body: written } = await root
        .post('/directory/organisations')
        .send({
          organisationId: 'durham-constabulary',
          name: 'Durham Constabulary',
          kind: 'police-force',
        })
        .expect(201);
      const { body } = await root
        .get('/directory/organisations/durham-constabulary')
        .query({ minPosition: written.globalPosition })
        .expect(200);
      expect(body).toMatchObject({
        organisationId: 'durham-constabulary',
        name: 'Durham Constabulary',
        globalPosition: written.globalPosition,
      });
    });

    it('answers 404 for an organisation never registered', async () => {
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .get('/directory/organisations/never-registered')
        .expect(404);
      expect(body).toMatchObject({ type: '/problems/not-found', status: 404 });
    });

    it('refuses a malformed id with a 400', async () => {
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .get('/directory/organisations/Not%20A%20Slug')
        .expect(400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'organisationId' })]);
    });

    it('refuses an unknown query parameter', async () => {
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .get(`/directory/organisations/${CLEVELAND}`)
        .query({ includeDeleted: 'true' })
        .expect(400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'includeDeleted' })]);
    });
  });
});
