import { randomUUID } from 'node:crypto';
import { day, TODAY, UUID_V7, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** The 4P actions of a plan over HTTP: proposed, agreed, started, progressed, done or cancelled. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const { as, callers, org, action, register, share, propose, eventsOf, refused } =
    threatCommandsHarness();

  describe('4P actions', () => {
    it('takes an action through its life: proposed, agreed, started, progress, done; another cancelled', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      const actionId = await propose(threatId, callers.councilOfficer);
      expect(actionId).toMatch(UUID_V7);
      await as.lro.post(`/threats/${threatId}/actions/${actionId}/agreement`).expect(200);
      await as.councilOfficer.post(`/threats/${threatId}/actions/${actionId}/start`).expect(200);
      await as.councilOfficer
        .post(`/threats/${threatId}/actions/${actionId}/progress`)
        .send({ note: 'Closure notice served; court date set' })
        .expect(200);
      await as.councilOfficer
        .post(`/threats/${threatId}/actions/${actionId}/completion`)
        .send({ outcome: 'Closure order granted for three months' })
        .expect(200);
      const other = await propose(threatId, callers.lro);
      await as.analyst
        .post(`/threats/${threatId}/actions/${other}/cancellation`)
        .send({ reason: 'Not possible, circumstances changed' })
        .expect(200);
      expect((await eventsOf(threatId)).slice(2).map((e) => [e.event_type, e.payload])).toEqual([
        [
          'threats.ActionProposed',
          {
            threatId,
            actionId,
            category: 'prevent',
            description: 'Closure order on the cuckooed flat',
            owner: {
              personId: callers.councilOfficer.personId,
              organisationId: org.hartlepool,
            },
            dueDate: day(30),
          },
        ],
        ['threats.ActionAgreed', { threatId, actionId }],
        ['threats.ActionStarted', { threatId, actionId }],
        [
          'threats.ActionProgressRecorded',
          {
            threatId,
            actionId,
            note: 'Closure notice served; court date set',
            on: TODAY,
          },
        ],
        [
          'threats.ActionCompleted',
          {
            threatId,
            actionId,
            outcome: 'Closure order granted for three months',
            unacknowledgedReferrals: null,
          },
        ],
        ['threats.ActionProposed', expect.objectContaining({ actionId: other })],
        [
          'threats.ActionCancelled',
          {
            threatId,
            actionId: other,
            reason: 'Not possible, circumstances changed',
          },
        ],
      ]);

      const [cancelled] = await refused(409, () =>
        as.analyst
          .post(`/threats/${threatId}/actions/${other}/completion`)
          .send({ outcome: 'Done after all' }),
      );
      expect(cancelled).toMatchObject({ type: '/problems/invalid-transition' });
      await refused(409, () => as.lro.post(`/threats/${threatId}/actions/${actionId}/start`));
    });

    it('refuses an owner whose organisation does not share the plan, and a due date before the plan began (422)', async () => {
      const threatId = await register();
      const [notShared, early] = await refused(
        422,
        () => as.lro.post(`/threats/${threatId}/actions`).send(action(callers.housingOfficer)),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { dueDate: day(-61) })),
      );
      expect(notShared).toMatchObject({ type: '/problems/rule-violation' });
      expect(notShared.detail).toContain(org.housing);
      expect(early.detail).toMatch(/before the plan began/);
    });

    it('lets a partner officer update only its own organisation’s actions', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool, org.housing);
      const councils = await propose(threatId, callers.councilOfficer);
      const housings = await propose(threatId, callers.housingOfficer);
      const forces = await propose(threatId, callers.lro);
      for (const id of [councils, housings, forces]) {
        await as.lro.post(`/threats/${threatId}/actions/${id}/agreement`).expect(200);
      }
      await as.housingOfficer.post(`/threats/${threatId}/actions/${housings}/start`).expect(200);
      const bodies = await refused(
        403,
        () => as.councilOfficer.post(`/threats/${threatId}/actions/${housings}/start`),
        () =>
          as.councilOfficer
            .post(`/threats/${threatId}/actions/${forces}/progress`)
            .send({ note: 'not ours to post' }),
        // Of the owner organisation, but a partner officer may update only its own actions.
        () => as.clevelandPartner.post(`/threats/${threatId}/actions/${councils}/start`),
      );
      expect(bodies.map((b) => b.type)).toEqual(Array(3).fill('/problems/access-denied'));
      // Another force, not party to the plan: it may not learn the threat exists.
      const [hidden] = await refused(404, () =>
        as.outsider.post(`/threats/${threatId}/actions/${councils}/start`),
      );
      expect(hidden.detail).toBe(`No threat ${threatId}`);
      const [missing] = await refused(404, () =>
        as.councilOfficer.post(`/threats/${threatId}/actions/${randomUUID()}/start`),
      );
      expect(missing.detail).toMatch(/^No action/);
    });

    it('keeps a partner that owns open actions on the plan (422 on unshare)', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      await propose(threatId, callers.councilOfficer);
      await refused(422, () =>
        as.analyst.delete(`/threats/${threatId}/plan/shares/${org.hartlepool}`),
      );
    });
  });
});
