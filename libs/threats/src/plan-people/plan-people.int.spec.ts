import { UUID_V7, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** People on the plan over HTTP: a sealed name, and the collection logged with its purpose. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const harness = threatCommandsHarness();
  const { as, callers, register, lastEventOf, refused } = harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('the plan on a page', () => {
    it('seals the name of a person put on the plan and logs the collection with its purpose', async () => {
      const threatId = await register();
      const added = await as.analyst
        .post(`/threats/${threatId}/plan/people`)
        .send({ name: 'Jordan Example', role: 'principal' })
        .expect(201);
      const { involvementId } = added.body;
      expect(involvementId).toMatch(UUID_V7);
      const event = await lastEventOf(threatId);
      expect(event.event_type).toBe('threats.PlanPersonAdded');
      expect(JSON.stringify(event.payload)).not.toContain('Jordan');
      const subjectId = event.payload.subjectId as string;
      expect(subjectId).toMatch(/^subject:[0-9a-f-]{36}$/);
      expect(event.payload).toMatchObject({
        involvementId,
        role: 'principal',
        name: { $personal: 1, subject: subjectId },
      });

      // Without X-Purpose: the default purpose.
      const token = await t.tokenFor(callers.lro);
      const second = await t
        .http()
        .post(`/threats/${threatId}/plan/people`)
        .set('authorization', `Bearer ${token}`)
        .send({ name: 'Casey Example', role: 'associate' })
        .expect(201);
      const secondSubject = (await lastEventOf(threatId)).payload.subjectId as string;

      const { rows } = await t.db.pool.query(
        `SELECT operation, record_type, record_id, subject_ids, purpose, person_id
           FROM security.personal_data_access_log
          WHERE subject_ids && $1::text[] ORDER BY id`,
        [[subjectId, secondSubject]],
      );
      expect(rows).toEqual([
        {
          operation: 'collection',
          record_type: 'plan',
          record_id: threatId,
          subject_ids: [subjectId],
          purpose: 'Cleveland MARSOC, December meeting',
          person_id: callers.analyst.personId,
        },
        expect.objectContaining({
          subject_ids: [secondSubject],
          purpose: 'recorded on the plan on a page',
          person_id: callers.lro.personId,
        }),
      ]);

      await as.analyst
        .post(`/threats/${threatId}/plan/people/${second.body.involvementId}/removal`)
        .send({ reason: 'Identified in error: not linked to the group' })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'threats.PlanPersonRemoved',
        payload: { involvementId: second.body.involvementId },
      });
      await refused(404, () =>
        as.analyst
          .post(`/threats/${threatId}/plan/people/${second.body.involvementId}/removal`)
          .send({ reason: 'Removed twice by mistake' }),
      );
      await refused(400, () =>
        t
          .http()
          .post(`/threats/${threatId}/plan/people`)
          .set('authorization', `Bearer ${token}`)
          .set('x-purpose', 'x')
          .send({ name: 'Casey Example', role: 'associate' }),
      );
    });
  });
});
