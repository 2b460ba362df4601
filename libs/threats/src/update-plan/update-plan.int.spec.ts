import { day, TODAY, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** The plan on a page over HTTP: its narrative, its reviews and whom it is shared with. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const { as, org, register, share, eventsOf, refused } = threatCommandsHarness();

  describe('the plan on a page', () => {
    it('updates and reviews the plan, shares and unshares it', async () => {
      const threatId = await register();
      await as.analyst
        .put(`/threats/${threatId}/plan`)
        .send({
          criminalActivity: 'Street supply of class A drugs; children exploited as runners',
          placesAffected: ['Hartlepool town centre', 'Dyke House'],
          risks: ['Withdrawal of the task team in January'],
          reviewDate: day(20),
        })
        .expect(200);
      await as.lro
        .post(`/threats/${threatId}/plan/reviews`)
        .send({ nextReviewDate: day(28), note: 'Actions on track' })
        .expect(200);
      await share(threatId, org.hartlepool, org.housing);
      await as.lro.delete(`/threats/${threatId}/plan/shares/${org.housing}`).expect(200);
      expect((await eventsOf(threatId)).slice(1).map((e) => [e.event_type, e.payload])).toEqual([
        [
          'threats.PlanUpdated',
          {
            threatId,
            criminalActivity: expect.any(String),
            placesAffected: ['Hartlepool town centre', 'Dyke House'],
            risks: ['Withdrawal of the task team in January'],
            reviewDate: day(20),
          },
        ],
        [
          'threats.PlanReviewed',
          {
            threatId,
            reviewedOn: TODAY,
            nextReviewDate: day(28),
            note: 'Actions on track',
          },
        ],
        ['threats.PlanShared', { threatId, organisationIds: [org.hartlepool, org.housing] }],
        ['threats.PlanUnshared', { threatId, organisationIds: [org.housing] }],
      ]);
      await refused(
        422,
        () =>
          as.lro.post(`/threats/${threatId}/plan/reviews`).send({
            nextReviewDate: TODAY,
            note: 'next review must be after today',
          }),
        () =>
          as.analyst.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'x',
            placesAffected: [],
            risks: [],
            reviewDate: day(-61),
          }),
        () =>
          as.analyst
            .post(`/threats/${threatId}/plan/shares`)
            .send({ organisationIds: [org.cleveland] }),
      );
    });
  });
});
