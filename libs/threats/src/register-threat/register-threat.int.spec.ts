import { day, TODAY, UUID_V7, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** Registering a threat over HTTP: the stream it opens and the defaults it takes. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const { as, callers, lroRef, org, registration, eventsOf, lastEventOf } = threatCommandsHarness();

  describe('the threat', () => {
    it('registers a threat for the caller’s organisation: 201 with a UUID v7 and the stream', async () => {
      const response = await as.analyst.post('/threats').send(registration()).expect(201);
      const { threatId } = response.body;
      expect(threatId).toMatch(UUID_V7);
      expect(response.body).toMatchObject({
        streamId: `threat:${threatId}`,
        streamVersion: 1,
        globalPosition: expect.any(Number),
        consistencyToken: expect.stringMatching(/^[1-9][0-9]*$/),
      });
      const [event] = await eventsOf(threatId);
      expect(event).toMatchObject({
        event_type: 'threats.ThreatRegistered',
        actor_person_id: callers.analyst.personId,
        payload: {
          threatId,
          ownerOrganisationId: org.cleveland,
          kind: 'ocg',
          tier: 2,
          lro: lroRef,
          sro: null,
          openedOn: day(-60),
        },
      });
    });

    it('lets an LRO register too, with defaults: no SRO, no place, opened today', async () => {
      const {
        sro: _sro,
        place: _place,
        clearHoldBuildPhase: _c,
        openedOn: _o,
        registeredOn: _r,
        ...body
      } = registration({ kind: 'soc-vulnerability' });
      const response = await as.lro
        .post('/threats')
        .send({
          ...body,
          place: 'Dyke House, Hartlepool',
          clearHoldBuildPhase: 'hold',
        })
        .expect(201);
      expect((await lastEventOf(response.body.threatId)).payload).toMatchObject({
        kind: 'soc-vulnerability',
        place: 'Dyke House, Hartlepool',
        clearHoldBuildPhase: 'hold',
        sro: null,
        openedOn: TODAY,
      });
    });
  });
});
