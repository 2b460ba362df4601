import { EventStore } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import type { Role } from '@soc/security';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type Caller,
  type TestApp,
} from '../../../../test/support/test-app.js';
import { directoryProjection } from '../index.js';

const CLEVELAND = 'cleveland-police';
const DURHAM = 'durham-constabulary';
const callers = {
  root: principal('nersou', ['admin'], 'nersou-admin'),
  clevelandAdmin: principal(CLEVELAND, ['admin'], 'cleveland-admin'),
  clevelandAnalyst: principal(CLEVELAND, ['analyst'], 'cleveland-analyst'),
  clevelandLro: principal(CLEVELAND, ['lro'], 'cleveland-lro'),
  clevelandPartner: principal(CLEVELAND, ['partner-officer'], 'cleveland-partner'),
  durhamAdmin: principal(DURHAM, ['admin'], 'durham-admin'),
  durhamAnalyst: principal(DURHAM, ['analyst'], 'durham-analyst'),
  auditor: principal('hmicfrs', ['auditor'], 'hmicfrs-auditor'),
} satisfies Record<string, Caller>;

interface PersonView {
  personId: string;
  organisationId: string;
  displayName: string | null;
  erased: boolean;
  roles: string[];
  globalPosition: number;
}

interface AccessLogEntry {
  operation: string;
  personId: string;
  organisationId: string;
  recordType: string;
  recordId: string;
  subjectIds: string[];
  disclosedTo: string | null;
  purpose: string;
}

/**
 * Enrolling people, changing their roles, erasing their personal data and reading them, over
 * HTTP on the standalone app and real PostgreSQL: who may do what, what the event store keeps,
 * and what the personal-data access log records.
 */
describe('directory people over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  const as = (caller: Caller, purpose?: string): Promise<AuthenticatedAgent> =>
    t.as(caller, purpose);

  const enrol = async (
    personId: string,
    displayName: string,
    roles: Role[],
    organisationId = CLEVELAND,
    by: Caller = callers.clevelandAdmin,
  ) => {
    const { body } = await (
      await as(by)
    )
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName, roles })
      .expect(201);
    return body as { streamId: string; streamVersion: number; globalPosition: number };
  };
  const readPerson = async (personId: string, minPosition: number, caller: Caller) =>
    (
      await (
        await as(caller, 'Checking a colleague before a MARSOC meeting')
      )
        .get(`/directory/people/${personId}`)
        .query({ minPosition })
        .expect(200)
    ).body as PersonView;
  const accessLog = async (subject: string): Promise<AccessLogEntry[]> =>
    (
      await (
        await as(callers.auditor, 'Annual s.62 audit')
      )
        .get('/audit/personal-data-access')
        .query({ subject })
        .expect(200)
    ).body;
  /** Every stored event row, all columns, as text: where a plain name must never appear. */
  const eventRowsMentioning = async (text: string): Promise<number> => {
    const { rows } = await t.db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events e WHERE strpos(e::text, $1) > 0`,
      [text],
    );
    return Number(rows[0].n);
  };
  const withoutPurpose = async (caller: Caller, path: string) => {
    const token = await t.tokenFor(caller);
    return t.http().get(path).set('authorization', `Bearer ${token}`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const root = await as(callers.root);
    for (const [organisationId, name] of [
      [CLEVELAND, 'Cleveland Police'],
      [DURHAM, 'Durham Constabulary'],
    ]) {
      await root
        .post('/directory/organisations')
        .send({ organisationId, name, kind: 'police-force' })
        .expect(201);
    }
  });
  afterAll(() => t?.close());

  describe('enrol: POST /directory/organisations/:organisationId/people', () => {
    it('enrols a person, keeping the name sealed in the event store', async () => {
      const before = await t.eventCount();
      const written = await enrol('cleveland-lro-1', 'DI Sam Carter', ['lro', 'meeting-chair']);
      expect(written).toEqual({
        streamId: 'person:cleveland-lro-1',
        streamVersion: 1,
        globalPosition: expect.any(Number),
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

  describe('reads of people: personal data, with a purpose, logged', () => {
    const personId = 'durham-reads-1';
    const subject = `person:${personId}`;
    let enrolledAt = 0;
    beforeAll(async () => {
      enrolledAt = (
        await enrol(personId, 'DC Morgan Ellis', ['analyst'], DURHAM, callers.durhamAdmin)
      ).globalPosition;
    });

    it('lists the people of one’s own organisation, logging a consultation per read with its purpose', async () => {
      const before = await accessLog(subject);
      const colleague = await as(callers.durhamAnalyst, 'Tasking meeting preparation');
      for (let read = 0; read < 2; read++) {
        const { body } = await colleague
          .get(`/directory/organisations/${DURHAM}/people`)
          .query({ minPosition: enrolledAt })
          .expect(200);
        expect(body).toEqual([
          expect.objectContaining({
            personId,
            organisationId: DURHAM,
            displayName: 'DC Morgan Ellis',
            erased: false,
            roles: ['analyst'],
          }),
        ]);
      }
      const logged = (await accessLog(subject)).slice(before.length);
      expect(logged).toEqual([
        expect.objectContaining({
          operation: 'consultation',
          personId: callers.durhamAnalyst.personId,
          organisationId: DURHAM,
          recordType: 'person',
          recordId: personId,
          subjectIds: [subject],
          disclosedTo: null,
          purpose: 'Tasking meeting preparation',
        }),
        expect.objectContaining({
          operation: 'consultation',
          purpose: 'Tasking meeting preparation',
        }),
      ]);
    });

    it('logs a read of one person too', async () => {
      const before = await accessLog(subject);
      await (
        await as(callers.durhamAdmin, 'Vetting review')
      )
        .get(`/directory/people/${personId}`)
        .query({ minPosition: enrolledAt })
        .expect(200);
      expect((await accessLog(subject)).slice(before.length)).toEqual([
        expect.objectContaining({
          operation: 'consultation',
          personId: callers.durhamAdmin.personId,
          purpose: 'Vetting review',
        }),
      ]);
    });

    it('lets an auditor read any organisation’s people, logged as a disclosure to the auditor', async () => {
      const before = await accessLog(subject);
      const { body } = await (
        await as(callers.auditor, 'Inspection of Durham vetting')
      )
        .get(`/directory/organisations/${DURHAM}/people`)
        .query({ minPosition: enrolledAt })
        .expect(200);
      expect(body.map((person: PersonView) => person.displayName)).toEqual(['DC Morgan Ellis']);
      expect((await accessLog(subject)).slice(before.length)).toEqual([
        expect.objectContaining({
          operation: 'disclosure',
          personId: callers.auditor.personId,
          organisationId: callers.auditor.organisationId,
          disclosedTo: callers.auditor.organisationId,
          purpose: 'Inspection of Durham vetting',
        }),
      ]);
    });

    it.each([
      ['the people of an organisation', `/directory/organisations/${DURHAM}/people`],
      ['one person', `/directory/people/${personId}`],
    ])('refuses a read of %s without X-Purpose (400), logging nothing', async (_what, path) => {
      const before = await accessLog(subject);
      const response = await withoutPurpose(callers.durhamAnalyst, path);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ type: '/problems/purpose-required', status: 400 });
      expect(await accessLog(subject)).toHaveLength(before.length);
    });

    it('lists organisations without a purpose: they are not personal data', async () => {
      const response = await withoutPurpose(callers.durhamAnalyst, '/directory/organisations');
      expect(response.status).toBe(200);
    });

    it('refuses another organisation the list (403) and hides its people (404), logging nothing', async () => {
      const before = await accessLog(subject);
      for (const caller of [callers.clevelandAnalyst, callers.clevelandAdmin]) {
        const outsider = await as(caller);
        await outsider.get(`/directory/organisations/${DURHAM}/people`).expect(403);
        const guess = await outsider.get(`/directory/people/${personId}`).expect(404);
        expect(JSON.stringify(guess.body)).not.toContain('Ellis');
      }
      expect(await accessLog(subject)).toHaveLength(before.length);
    });

    it('answers 404 for a person never enrolled', async () => {
      await (await as(callers.durhamAnalyst)).get('/directory/people/durham-nobody').expect(404);
    });
  });

  describe('erasure: POST /directory/people/:personId/erasure', () => {
    const personId = 'cleveland-erased-1';
    const subject = `person:${personId}`;
    const name = 'DC Jordan Blake';
    const reason = 'Left the force; retention period ended (MoPI review)';
    const colleagueId = 'cleveland-kept-1';
    let enrolled: { globalPosition: number };
    beforeAll(async () => {
      await enrol(colleagueId, 'PC Casey Stone', ['partner-officer']);
      enrolled = await enrol(personId, name, ['analyst', 'partner-officer']);
      // A read before erasure, so the log holds a consultation of the subject.
      await readPerson(personId, enrolled.globalPosition, callers.clevelandAnalyst);
    });

    it.each<[string, Caller, number]>([
      ['the admin of another organisation (404)', callers.durhamAdmin, 404],
      ['a colleague who is not an admin (403)', callers.clevelandAnalyst, 403],
      ['an auditor (403)', callers.auditor, 403],
    ])('refuses %s, appending nothing', async (_who, caller, status) => {
      const before = await t.eventCount();
      await (
        await as(caller)
      )
        .post(`/directory/people/${personId}/erasure`)
        .send({ reason })
        .expect(status);
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses an erasure without a reason of at least 5 characters', async () => {
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .post(`/directory/people/${personId}/erasure`)
        .send({ reason: 'gone' })
        .expect(400);
      expect(body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    });

    it('erases: every read shows the person as erased, and a rebuild of the directory cannot bring the name back', async () => {
      const admin = await as(callers.clevelandAdmin);
      const { body: erasure } = await admin
        .post(`/directory/people/${personId}/erasure`)
        .send({ reason })
        .expect(200);
      expect(erasure).toMatchObject({ streamId: subject, streamVersion: 2 });

      const erasedView = {
        personId,
        organisationId: CLEVELAND,
        displayName: null,
        erased: true,
        roles: ['analyst', 'partner-officer'],
      };
      const everyRead = async (minPosition?: number) => {
        const query = minPosition === undefined ? {} : { minPosition };
        const colleague = await as(callers.clevelandPartner);
        const auditor = await as(callers.auditor);
        const responses = [
          await colleague.get(`/directory/people/${personId}`).query(query).expect(200),
          await colleague
            .get(`/directory/organisations/${CLEVELAND}/people`)
            .query(query)
            .expect(200),
          await auditor.get(`/directory/people/${personId}`).query(query).expect(200),
          await auditor
            .get(`/directory/organisations/${CLEVELAND}/people`)
            .query(query)
            .expect(200),
        ];
        for (const { body } of responses) {
          const people: PersonView[] = Array.isArray(body) ? body : [body];
          expect(people.find((person) => person.personId === personId)).toMatchObject(erasedView);
          expect(JSON.stringify(body)).not.toContain('Blake');
        }
        // The colleague enrolled beside them keeps their name: only the erased key is gone.
        const { body: list } = responses[1];
        expect(list.find((person: PersonView) => person.personId === colleagueId)).toMatchObject({
          displayName: 'PC Casey Stone',
          erased: false,
        });
      };
      await everyRead(erasure.globalPosition);

      await rebuildProjection(t.db.pool, t.app.get(EventStore), directoryProjection);
      await everyRead();

      // The events stay (their hashes still verify); none holds the name in plain text.
      const { rows } = await t.db.pool.query<{ event_type: string }>(
        'SELECT event_type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version',
        [subject],
      );
      expect(rows.map((row) => row.event_type)).toEqual([
        'directory.PersonEnrolled',
        'directory.PersonalDataErased',
      ]);
      expect(await eventRowsMentioning('Blake')).toBe(0);

      const logged = await accessLog(subject);
      expect(logged).toContainEqual(
        expect.objectContaining({
          operation: 'erasure',
          personId: callers.clevelandAdmin.personId,
          recordId: personId,
          purpose: reason,
        }),
      );
      // Reads of an erased person disclose no personal data, so they are not logged against them.
      expect(logged.filter((entry) => entry.operation !== 'erasure')).toEqual([
        expect.objectContaining({
          operation: 'consultation',
          personId: callers.clevelandAnalyst.personId,
        }),
      ]);
    });

    it('answers a repeated erasure with the same result, appending nothing', async () => {
      const before = await t.eventCount();
      const { body } = await (
        await as(callers.clevelandAdmin)
      )
        .post(`/directory/people/${personId}/erasure`)
        .send({ reason })
        .expect(200);
      expect(body).toMatchObject({ streamId: subject, streamVersion: 2 });
      expect(await t.eventCount()).toBe(before);
    });

    it('refuses new roles for an erased person (409) and the same id for a new enrolment (409)', async () => {
      const before = await t.eventCount();
      const admin = await as(callers.clevelandAdmin);
      const roles = await admin
        .put(`/directory/people/${personId}/roles`)
        .send({ roles: ['lro'] })
        .expect(409);
      expect(roles.body).toMatchObject({ type: '/problems/invalid-transition' });
      const again = await admin
        .post(`/directory/organisations/${CLEVELAND}/people`)
        .send({ personId, displayName: name, roles: ['analyst'] })
        .expect(409);
      expect(again.body).toMatchObject({ type: '/problems/already-exists' });
      expect(await t.eventCount()).toBe(before);
      expect(await eventRowsMentioning('Blake')).toBe(0);
    });
  });
});
