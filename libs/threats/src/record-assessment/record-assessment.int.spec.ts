import { randomUUID } from 'node:crypto';
import { day, TODAY, UUID_V7, threatCommandsHarness } from '../../test/threat-commands.setup.js';

/** Recording a threat assessment over HTTP, and its moderation. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  const { as, assessment, register, lastEventOf, refused } = threatCommandsHarness();

  describe('assessments', () => {
    it('records an assessment (201 with its id), moderates it, and returns a newer one with the reason', async () => {
      const threatId = await register();
      const first = await as.analyst
        .post(`/threats/${threatId}/assessments`)
        .send(assessment())
        .expect(201);
      expect(first.body.assessmentId).toMatch(UUID_V7);
      expect(first.body.streamVersion).toBe(2);
      expect((await lastEventOf(threatId)).payload).toEqual({
        threatId,
        assessmentId: first.body.assessmentId,
        ...assessment(),
      });
      await as.moderator
        .post(`/threats/${threatId}/assessments/${first.body.assessmentId}/moderation`)
        .send({
          decision: 'moderated',
          note: 'Consistent with the regional scoring',
        })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'threats.ThreatAssessmentModerated',
        payload: { assessmentId: first.body.assessmentId },
      });

      const second = await as.lro
        .post(`/threats/${threatId}/assessments`)
        .send(assessment({ intelligenceDate: day(-400), assessedOn: TODAY }))
        .expect(201);
      await as.moderator
        .post(`/threats/${threatId}/assessments/${second.body.assessmentId}/moderation`)
        .send({
          decision: 'returned',
          note: '  Harm rests on intelligence over a year old  ',
        })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'threats.ThreatAssessmentReturned',
        payload: {
          assessmentId: second.body.assessmentId,
          reason: 'Harm rests on intelligence over a year old',
        },
      });

      await refused(
        409,
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${second.body.assessmentId}/moderation`)
            .send({ decision: 'moderated', note: 'again' }),
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${first.body.assessmentId}/moderation`)
            .send({ decision: 'moderated', note: 'the older one' }),
      );
      await refused(404, () =>
        as.moderator
          .post(`/threats/${threatId}/assessments/${randomUUID()}/moderation`)
          .send({ decision: 'moderated', note: '' }),
      );
    });

    it('refuses a return without a reason, an assessment dated in the future or resting on later intelligence', async () => {
      const threatId = await register();
      const { body } = await as.analyst
        .post(`/threats/${threatId}/assessments`)
        .send(assessment())
        .expect(201);
      const [noReason] = await refused(
        400,
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${body.assessmentId}/moderation`)
            .send({ decision: 'returned', note: ' no ' }),
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${body.assessmentId}/moderation`)
            .send({ decision: 'rejected', note: 'not a decision we know' }),
      );
      expect(noReason.errors).toEqual([
        expect.objectContaining({
          field: 'note',
          message: expect.stringMatching(/reason/),
        }),
      ]);
      await refused(
        422,
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments`)
            .send(assessment({ assessedOn: day(1), intelligenceDate: day(-1) })),
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments`)
            .send(assessment({ assessedOn: day(-5), intelligenceDate: day(-4) })),
      );
      await refused(
        400,
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              scores: {
                harm: 1001,
                likelihood: 1,
                confidence: 1,
                capacity: 1,
                capability: 1,
              },
            }),
          ),
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              outputs: {
                totalScore: 10,
                priority: 'urgent',
                opportunity: 'low',
              },
            }),
          ),
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              scores: { harm: 1, likelihood: 1, confidence: 1, capacity: 1 },
            }),
          ),
      );
    });
  });
});
