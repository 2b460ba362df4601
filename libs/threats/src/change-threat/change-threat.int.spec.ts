import { threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** Changing a threat over HTTP: its tier, phase and LRO, and its closure. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const { as, run, org, register, eventsOf, refused } = threatCommandsHarness();

  describe('the threat', () => {
    it('changes tier, phase and LRO, then closes the threat; a closed threat takes no more', async () => {
      const threatId = await register();
      await as.lro
        .post(`/threats/${threatId}/tier`)
        .send({ tier: 1, reason: 'Firearms recovered at a linked address' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ streamVersion: 2 }));
      await as.analyst.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }).expect(200);
      const newLro = {
        personId: `lro-2-${run}`,
        organisationId: org.cleveland,
      };
      const sro = { personId: `sro-${run}`, organisationId: org.cleveland };
      await as.lro.post(`/threats/${threatId}/lro`).send({ lro: newLro, sro }).expect(200);
      await as.analyst
        .post(`/threats/${threatId}/closure`)
        .send({ reason: 'Principals convicted; the group is dismantled' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ streamVersion: 5 }));
      expect((await eventsOf(threatId)).map((e) => [e.event_type, e.payload])).toEqual([
        ['threats.ThreatRegistered', expect.anything()],
        ['threats.ThreatTierChanged', { threatId, tier: 1, reason: expect.any(String) }],
        ['threats.ThreatPhaseChanged', { threatId, phase: 'pursue' }],
        ['threats.ThreatLroChanged', { threatId, lro: newLro, sro }],
        ['threats.ThreatClosed', { threatId, reason: expect.any(String) }],
      ]);
      const [closed] = await refused(409, () =>
        as.analyst.post(`/threats/${threatId}/phase`).send({ phase: 'active' }),
      );
      expect(closed.type).toBe('/problems/invalid-transition');
    });

    it('answers the same tier with 200 and appends nothing', async () => {
      const threatId = await register();
      const response = await as.analyst
        .post(`/threats/${threatId}/tier`)
        .send({ tier: 2, reason: 'Reviewed: unchanged' })
        .expect(200);
      expect(response.body.streamVersion).toBe(1);
    });
  });
});
