import { randomUUID } from 'node:crypto';
import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('a partner action’s updates from its lead organisation, over HTTP (real PostgreSQL)', () => {
  const { as, agreedAction, events, refused } = meetingsHarness();

  it('takes dated progress (default today, even for a past meeting) and the completion', async () => {
    const { actionId } = await agreedAction({ heldOn: day(-10) });
    await as.councilOfficer
      .post(`/actions/${actionId}/progress`)
      .send({ note: 'Visit booked for next week' })
      .expect(200);
    await as.councilOfficer
      .post(`/actions/${actionId}/progress`)
      .send({ note: 'Family seen', progressOn: day(0) })
      .expect(200);
    const { body } = await as.councilOfficer
      .post(`/actions/${actionId}/completion`)
      .send({ outcome: 'Both children seen; referral made' })
      .expect(200);
    expect(body.streamVersion).toBe(3);
    expect(await events(`partner-action:${actionId}`)).toEqual([
      {
        type: 'meetings.PartnerActionProgressPosted',
        occurred: day(0),
        payload: { actionId, note: 'Visit booked for next week', on: day(0) },
      },
      expect.objectContaining({ type: 'meetings.PartnerActionProgressPosted' }),
      {
        type: 'meetings.PartnerActionCompleted',
        occurred: day(0),
        payload: { actionId, outcome: 'Both children seen; referral made' },
      },
    ]);
    await refused([
      () => as.councilOfficer.post(`/actions/${actionId}/progress`).send({ note: 'Late' }),
      409,
    ]);
  });

  it('closes an action with the class of its reason kept apart', async () => {
    const { actionId } = await agreedAction();
    await as.councilOfficer
      .post(`/actions/${actionId}/closure`)
      .send({ reason: 'agency-did-not-act', explanation: 'No officer was free to visit' })
      .expect(200);
    expect((await events(`partner-action:${actionId}`)).at(-1)?.payload).toEqual({
      actionId,
      reason: 'agency-did-not-act',
      explanation: 'No officer was free to visit',
    });
  });

  it('lets only the lead organisation’s officers update it, and refuses bad input', async () => {
    const { actionId } = await agreedAction();
    const progress = `/actions/${actionId}/progress`;
    const note = { note: 'Visit booked' };
    const [, , , , notFound] = await refused(
      [() => as.housingOfficer.post(progress).send(note), 403],
      [() => as.chair.post(progress).send(note), 403],
      [() => as.lro.post(progress).send(note), 403],
      [() => as.outsider.post(progress).send(note), 404],
      [() => as.councilOfficer.post(`/actions/${randomUUID()}/progress`).send(note), 404],
      [() => as.councilOfficer.post('/actions/not-a-uuid/progress').send(note), 400],
      [() => as.councilOfficer.post(progress).send({ ...note, surprise: 1 }), 400],
      [() => as.councilOfficer.post(progress).send({ note: 7 }), 400],
      [() => as.councilOfficer.post(progress).send({ ...note, progressOn: day(2) }), 422],
      [() => as.councilOfficer.post(progress).set('if-match', '3').send(note), 409],
      [
        () =>
          as.councilOfficer
            .post(`/actions/${actionId}/closure`)
            .send({ reason: 'gave-up', explanation: 'We gave up on it' }),
        400,
      ],
      [() => as.councilOfficer.post(`/actions/${actionId}/completion`).send({}), 400],
    );
    expect(notFound.body.detail).toMatch(/partner-action/);
    await as.councilOfficer.post(progress).set('if-match', '0').send(note).expect(200);
  });
});
