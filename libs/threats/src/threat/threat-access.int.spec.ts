import { randomUUID } from 'node:crypto';
import { day, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** Need to know on every threat command: roles, owner, parties, signposting and hiding. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const harness = threatCommandsHarness();
  const { as, callers, org, person, registration, assessment, action, register, share, refused } =
    harness;
  let t: typeof harness.t;
  beforeAll(() => {
    t = harness.t;
  });

  describe('need to know', () => {
    it('refuses roles without the permission (403, nothing appended)', async () => {
      const threatId = await register();
      await refused(
        403,
        () => as.auditor.post('/threats').send(registration()),
        () =>
          as.clevelandPartner
            .post(`/threats/${threatId}/tier`)
            .send({ tier: 1, reason: 'no role' }),
        () => as.moderator.post(`/threats/${threatId}/assessments`).send(assessment()),
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments/${randomUUID()}/moderation`)
            .send({ decision: 'moderated', note: '' }),
        () =>
          as.councilOfficer.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'a partner officer may not edit the plan',
            placesAffected: [],
            risks: [],
            reviewDate: day(10),
          }),
      );
    });

    it('refuses to register a threat for another organisation (403)', async () => {
      const [body] = await refused(403, () =>
        as.analyst.post('/threats').send(registration({ ownerOrganisationId: org.durham })),
      );
      expect(body.type).toBe('/problems/access-denied');
    });

    it('hides another organisation’s threat behind 404, as if it did not exist', async () => {
      const threatId = await register();
      const unknown = randomUUID();
      const bodies = await refused(
        404,
        () =>
          as.outsider.post(`/threats/${threatId}/tier`).send({ tier: 1, reason: 'guessing ids' }),
        () => as.outsider.post(`/threats/${threatId}/assessments`).send(assessment()),
        () => as.outsider.post(`/threats/${threatId}/actions`).send(action(callers.outsider)),
        () =>
          as.outsider.post(`/threats/${unknown}/tier`).send({ tier: 1, reason: 'guessing ids' }),
      );
      expect(bodies[0]).toMatchObject({
        type: '/problems/not-found',
        detail: `No threat ${threatId}`,
      });
      expect(bodies[3]).toMatchObject({
        type: '/problems/not-found',
        detail: `No threat ${unknown}`,
      });
    });

    it('signposts a threat whose owner allows it to another force (403 naming the holder)', async () => {
      const threatId = await register({ signposting: true });
      const [signposted] = await refused(403, () =>
        as.outsider.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }),
      );
      expect(signposted).toMatchObject({
        type: '/problems/signposted',
        holderOrganisationId: org.cleveland,
      });
      expect(JSON.stringify(signposted)).not.toContain('KESTREL');
    });

    it('refuses edits by an organisation the plan is shared with (403: it knows the threat)', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      const bodies = await refused(
        403,
        () =>
          as.councilAnalyst.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'rewritten by a partner',
            placesAffected: [],
            risks: [],
            reviewDate: day(10),
          }),
        () =>
          as.councilAnalyst
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.councilOfficer)),
        () =>
          as.councilAnalyst
            .post(`/threats/${threatId}/tier`)
            .send({ tier: 1, reason: 'a partner re-tiering' }),
      );
      expect(bodies.map((b) => b.type)).toEqual(Array(3).fill('/problems/access-denied'));
    });

    it('lets the LRO’s organisation, a party to the threat, update it', async () => {
      const threatId = await register({
        lro: { personId: `lro-${org.nersou}`, organisationId: org.nersou },
      });
      const nersouLro = await t.as(person(org.nersou, 'lro'));
      await nersouLro.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }).expect(200);
    });
  });
});
