import type { Role } from '@soc/security';
import {
  CLEVELAND,
  ROOT,
  admin,
  cleveland,
  directoryHarness,
  someone,
} from '../../test/directory.setup.js';

/** Registering organisations over HTTP, on the standalone app and real PostgreSQL. */
describe('register an organisation over HTTP (real PostgreSQL)', () => {
  const harness = directoryHarness({ organisations: [cleveland], registrar: admin(ROOT) });
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('POST /directory/organisations', () => {
    it('registers an organisation and answers where its stream is', async () => {
      const before = await t.eventCount();
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .post('/directory/organisations')
        .send({
          organisationId: 'hartlepool-childrens-services',
          name: "Hartlepool Borough Council Children's Services",
          kind: 'statutory-partner',
        })
        .expect(201);
      expect(body).toEqual({
        streamId: 'organisation:hartlepool-childrens-services',
        streamVersion: 1,
        globalPosition: expect.any(Number),
        consistencyToken: expect.stringMatching(/^[1-9][0-9]*$/),
      });
      expect(await t.eventCount()).toBe(before + 1);

      const { rows } = await t.db.pool.query<{ event_type: string; payload: unknown }>(
        `SELECT event_type, payload FROM event_store.events WHERE stream_id = $1`,
        ['organisation:hartlepool-childrens-services'],
      );
      expect(rows).toEqual([
        {
          event_type: 'directory.OrganisationRegistered',
          payload: {
            organisationId: 'hartlepool-childrens-services',
            name: "Hartlepool Borough Council Children's Services",
            kind: 'statutory-partner',
          },
        },
      ]);
    });

    it.each<[string, Role]>([
      ['an analyst', 'analyst'],
      ['an auditor', 'auditor'],
      ['an LRO', 'lro'],
    ])('refuses %s (403, nothing appended)', async (_who, role) => {
      const before = await t.eventCount();
      const { body } = await (
        await t.as(someone(CLEVELAND, role))
      )
        .post('/directory/organisations')
        .send({ organisationId: 'rogue-agency', name: 'Rogue Agency', kind: 'national-agency' })
        .expect(403);
      expect(body).toMatchObject({ type: '/problems/access-denied', status: 403 });
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses a request without a token (401)', async () => {
      await t.http().post('/directory/organisations').send(cleveland).expect(401);
    });

    it('answers a second registration of the same id with a 409 problem, appending nothing', async () => {
      const before = await t.eventCount();
      const response = await (
        await t.as(admin(ROOT))
      )
        .post('/directory/organisations')
        .send({ ...cleveland, name: 'Cleveland Police (again)' })
        .expect(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: '/problems/already-exists',
        title: 'Conflict',
        status: 409,
        detail: `Organisation ${CLEVELAND} is already registered`,
      });
      expect(await t.eventCount()).toBe(before);
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .get(`/directory/organisations/${CLEVELAND}`)
        .expect(200);
      expect(body.name).toBe('Cleveland Police');
    });

    it.each([
      ['an id with capitals and spaces', { organisationId: 'Cleveland Police' }, 'organisationId'],
      ['an id of one character', { organisationId: 'c' }, 'organisationId'],
      ['an id starting with a dash', { organisationId: '-cleveland' }, 'organisationId'],
      ['an id of 64 characters', { organisationId: 'a'.repeat(64) }, 'organisationId'],
      ['an unknown kind', { kind: 'gang' }, 'kind'],
      ['a kind of the wrong type', { kind: 3 }, 'kind'],
      ['a name of one character', { name: 'C' }, 'name'],
      ['a name that is not text', { name: ['Cleveland'] }, 'name'],
    ])('refuses %s with a 400 naming the field', async (_what, change, field) => {
      const before = await t.eventCount();
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .post('/directory/organisations')
        .send({ organisationId: 'new-partner', name: 'New Partner', kind: 'rocu', ...change })
        .expect(400);
      expect(body).toMatchObject({ type: '/problems/validation', status: 400 });
      expect(new Set(body.errors.map((error: { field: string }) => error.field))).toEqual(
        new Set([field]),
      );
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses missing fields, each named', async () => {
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .post('/directory/organisations')
        .send({})
        .expect(400);
      expect(new Set(body.errors.map((error: { field: string }) => error.field))).toEqual(
        new Set(['organisationId', 'name', 'kind']),
      );
    });

    it('refuses unknown fields rather than dropping them', async () => {
      const before = await t.eventCount();
      const { body } = await (
        await t.as(admin(ROOT))
      )
        .post('/directory/organisations')
        .send({ organisationId: 'new-partner', name: 'New Partner', kind: 'rocu', owner: 'me' })
        .expect(400);
      expect(body.errors).toEqual([{ field: 'owner', message: 'property owner should not exist' }]);
      expect(await t.eventCount()).toBe(before);
    });
  });
});
