import { EventStore } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import {
  CLEVELAND,
  callers,
  directoryHarness,
  type Caller,
  type PersonView,
} from '../../test/directory.setup.js';
import { directoryProjection } from '../index.js';

/**
 * Erasing a person's personal data over HTTP on the standalone app and real PostgreSQL: every
 * read and a rebuild of the view lose the name, and the access log records the erasure.
 */
describe('erase a person’s personal data over HTTP (real PostgreSQL)', () => {
  const harness = directoryHarness();
  const { as, enrol, readPerson, accessLog, eventRowsMentioning } = harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
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
