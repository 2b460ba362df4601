import { DURHAM, callers, directoryHarness, type PersonView } from '../../test/directory.setup.js';

/**
 * Reading people over HTTP on the standalone app and real PostgreSQL: who may read whom, with
 * a stated purpose, and what the personal-data access log records.
 */
describe('directory people read over HTTP (real PostgreSQL)', () => {
  const { as, enrol, accessLog, withoutPurpose } = directoryHarness();

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
});
