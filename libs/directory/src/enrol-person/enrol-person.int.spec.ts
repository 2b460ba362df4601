import {
  CLEVELAND,
  DURHAM,
  callers,
  directoryHarness,
  principal,
  type Caller,
} from '../../test/directory.setup.js';

/**
 * Enrolling people over HTTP on the standalone app and real PostgreSQL: who may enrol whom,
 * and that the event store keeps their names sealed.
 */
describe('enrol a person over HTTP (real PostgreSQL)', () => {
  const harness = directoryHarness();
  const { as, enrol, readPerson, eventRowsMentioning } = harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('enrol: POST /directory/organisations/:organisationId/people', () => {
    it('enrols a person, keeping the name sealed in the event store', async () => {
      const before = await t.eventCount();
      const written = await enrol('cleveland-lro-1', 'DI Sam Carter', ['lro', 'meeting-chair']);
      expect(written).toEqual({
        streamId: 'person:cleveland-lro-1',
        streamVersion: 1,
        globalPosition: expect.any(Number),
        consistencyToken: expect.stringMatching(/^[1-9][0-9]*$/),
      });
      expect(await t.eventCount()).toBe(before + 1);

      const { rows } = await t.db.pool.query<{ event_type: string; payload: unknown }>(
        'SELECT event_type, payload FROM event_store.events WHERE stream_id = $1',
        ['person:cleveland-lro-1'],
      );
      expect(rows).toEqual([
        {
          event_type: 'directory.PersonEnrolled',
          payload: {
            personId: 'cleveland-lro-1',
            organisationId: CLEVELAND,
            roles: ['lro', 'meeting-chair'],
            displayName: {
              $personal: 1,
              subject: 'person:cleveland-lro-1',
              iv: expect.any(String),
              data: expect.any(String),
              tag: expect.any(String),
            },
          },
        },
      ]);
      expect(await eventRowsMentioning('Sam Carter')).toBe(0);
      expect(await eventRowsMentioning('meeting-chair')).toBeGreaterThan(0);

      expect(
        await readPerson('cleveland-lro-1', written.globalPosition, callers.clevelandAnalyst),
      ).toEqual({
        personId: 'cleveland-lro-1',
        organisationId: CLEVELAND,
        displayName: 'DI Sam Carter',
        erased: false,
        roles: ['lro', 'meeting-chair'],
        globalPosition: written.globalPosition,
      });
      const { body: organisation } = await (
        await as(callers.durhamAnalyst)
      )
        .get(`/directory/organisations/${CLEVELAND}`)
        .query({ minPosition: written.globalPosition })
        .expect(200);
      expect(organisation.people).toBe(1);
    });

    it.each<[string, Caller]>([
      ['an analyst of the organisation', callers.clevelandAnalyst],
      ['an LRO of the organisation', callers.clevelandLro],
      ['an auditor', callers.auditor],
    ])('refuses %s (403, nothing appended)', async (_who, caller) => {
      const before = await t.eventCount();
      const { body } = await (
        await as(caller)
      )
        .post(`/directory/organisations/${CLEVELAND}/people`)
        .send({ personId: 'cleveland-new-1', displayName: 'PC New', roles: ['analyst'] })
        .expect(403);
      expect(body).toMatchObject({ type: '/problems/access-denied', status: 403 });
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses the admin of another organisation with 403, as organisations are public (nothing appended)', async () => {
      const before = await t.eventCount();
      const { body } = await (
        await as(callers.durhamAdmin)
      )
        .post(`/directory/organisations/${CLEVELAND}/people`)
        .send({ personId: 'planted-admin', displayName: 'Planted Admin', roles: ['admin'] })
        .expect(403);
      expect(body).toMatchObject({ type: '/problems/access-denied', status: 403 });
      expect(await t.eventCount()).toBe(before);
    });

    it('answers 404 for an organisation that was never registered (nothing appended)', async () => {
      const before = await t.eventCount();
      const { body } = await (
        await as(principal('ghost-agency', ['admin'], 'ghost-admin'))
      )
        .post('/directory/organisations/ghost-agency/people')
        .send({ personId: 'ghost-1', displayName: 'Nobody', roles: ['analyst'] })
        .expect(404);
      expect(body).toMatchObject({ type: '/problems/not-found', status: 404 });
      expect(await t.eventCount()).toBe(before);
    });

    it('answers a person id already enrolled with a 409 problem (nothing appended)', async () => {
      await enrol('cleveland-dup-1', 'PC First', ['analyst']);
      const before = await t.eventCount();
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .post(`/directory/organisations/${CLEVELAND}/people`)
        .send({ personId: 'cleveland-dup-1', displayName: 'PC Second', roles: ['lro'] })
        .expect(409);
      expect(body).toMatchObject({
        type: '/problems/already-exists',
        status: 409,
        detail: 'Person cleveland-dup-1 is already enrolled',
      });
      expect(await t.eventCount()).toBe(before);
      expect(await eventRowsMentioning('PC Second')).toBe(0);
    });

    it.each([
      ['a role that does not exist', { roles: ['superuser'] }, 'roles'],
      ['the same role twice', { roles: ['lro', 'lro'] }, 'roles'],
      ['roles that are not a list', { roles: 'lro' }, 'roles'],
      ['no roles field', { roles: undefined }, 'roles'],
      ['an empty name', { displayName: '' }, 'displayName'],
      ['a name over 200 characters', { displayName: 'x'.repeat(201) }, 'displayName'],
      ['a person id with capitals', { personId: 'PC-Smith' }, 'personId'],
      ['an organisation in the body', { organisationId: DURHAM }, 'organisationId'],
    ])('refuses %s with a 400 naming the field', async (_what, change, field) => {
      const before = await t.eventCount();
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .post(`/directory/organisations/${CLEVELAND}/people`)
        .send({
          personId: 'cleveland-valid-1',
          displayName: 'PC Valid',
          roles: ['analyst'],
          ...change,
        })
        .expect(400);
      expect(body).toMatchObject({ type: '/problems/validation', status: 400 });
      expect(new Set(body.errors.map((error: { field: string }) => error.field))).toEqual(
        new Set([field]),
      );
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses a malformed organisation id in the path', async () => {
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .post('/directory/organisations/Cleveland%20Police/people')
        .send({ personId: 'cleveland-valid-1', displayName: 'PC Valid', roles: ['analyst'] })
        .expect(400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'organisationId' })]);
    });
  });
});
