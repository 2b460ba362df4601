import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('new due dates the lead asks for and the chair answers, over HTTP (real PostgreSQL)', () => {
  const { as, agreedAction, events, refused } = meetingsHarness();
  const ask = (actionId: string, overrides: Record<string, unknown> = {}) =>
    as.councilOfficer
      .post(`/actions/${actionId}/due-date-requests`)
      .send({ dueDate: day(60), reason: 'The family is away until then', ...overrides });

  it('grants one request, then refuses the next with a reason', async () => {
    const { actionId } = await agreedAction();
    const { body: first } = await ask(actionId).expect(201);
    await as.chair
      .post(`/actions/${actionId}/due-date-requests/${first.requestId}/decision`)
      .send({ decision: 'granted' })
      .expect(200);
    const { body: second } = await ask(actionId, { dueDate: day(90) }).expect(201);
    await as.chair
      .post(`/actions/${actionId}/due-date-requests/${second.requestId}/decision`)
      .send({ decision: 'refused', reason: 'The visit cannot wait that long' })
      .expect(200);
    expect((await events(`partner-action:${actionId}`)).map((e) => e.payload)).toEqual([
      {
        actionId,
        requestId: first.requestId,
        proposedDueDate: day(60),
        reason: 'The family is away until then',
      },
      { actionId, requestId: first.requestId, dueDate: day(60) },
      {
        actionId,
        requestId: second.requestId,
        proposedDueDate: day(90),
        reason: 'The family is away until then',
      },
      { actionId, requestId: second.requestId, reason: 'The visit cannot wait that long' },
    ]);
  });

  it('lets only the lead ask and only the chair’s organisation answer', async () => {
    const { actionId } = await agreedAction();
    const { body } = await ask(actionId).expect(201);
    const decision = `/actions/${actionId}/due-date-requests/${body.requestId}/decision`;
    await refused(
      [() => ask(actionId, { dueDate: day(70) }), 409],
      [
        () =>
          as.housingOfficer
            .post(`/actions/${actionId}/due-date-requests`)
            .send({ dueDate: day(70), reason: 'Ours now' }),
        403,
      ],
      [() => as.councilChair.post(decision).send({ decision: 'granted' }), 403],
      [() => as.councilOfficer.post(decision).send({ decision: 'granted' }), 403],
      [() => as.otherChair.post(decision).send({ decision: 'granted' }), 404],
      [() => as.chair.post(decision).send({ decision: 'refused' }), 400],
      [() => as.chair.post(decision).send({ decision: 'maybe' }), 400],
      [
        () =>
          as.chair
            .post(decision.replace(body.requestId, crypto.randomUUID()))
            .send({ decision: 'granted' }),
        404,
      ],
    );
    const other = await agreedAction();
    await refused(
      [() => ask(other.actionId, { dueDate: day(-1) }), 422],
      [() => ask(other.actionId, { dueDate: day(40) }), 422],
    );
  });
});
