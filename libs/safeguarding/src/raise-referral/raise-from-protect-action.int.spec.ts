import { day, referralsHarness, SUBJECT } from '../../test/referral-commands.setup.js';

/**
 * A referral raised from a protect action of the threat's plan, over HTTP on real PostgreSQL: the
 * referral records the action, the plan on a page shows the referral's status and categories and
 * never whom it is about, and the action is completed while the referral is unacknowledged only by
 * the threat's LRO, saying why.
 */
describe('a referral raised from a plan’s protect action (real PostgreSQL)', () => {
  const { as, callers, org, threatId, raise, step, read, events, refused } = referralsHarness();

  const proposeAction = async (category: 'protect' | 'pursue') => {
    const plan = `/threats/${threatId()}/actions`;
    const { body } = await as.threatAnalyst
      .post(plan)
      .send({
        category,
        description: 'Safeguarding visit to the Quarrington Terrace flat',
        owner: { personId: callers.threatLro.personId, organisationId: org.rocu },
        dueDate: day(14),
      })
      .expect(201);
    const actionId = body.actionId as string;
    await as.threatAnalyst.post(`${plan}/${actionId}/agreement`).send({}).expect(200);
    return actionId;
  };

  const planAction = async (actionId: string, minPosition: number) => {
    const { body } = await as.threatLro
      .get(`/threats/${threatId()}/plan`)
      .query({ minPosition })
      .expect(200);
    const text = JSON.stringify(body);
    for (const value of [SUBJECT.givenName, SUBJECT.familyName, SUBJECT.address]) {
      expect(text).not.toContain(value);
    }
    return (body.actions as { actionId: string; referrals: unknown[] }[]).find(
      (action) => action.actionId === actionId,
    )!;
  };

  const completion = (actionId: string) => `/threats/${threatId()}/actions/${actionId}/completion`;

  it('links both ways; the action waits for the acknowledgement unless the LRO says why', async () => {
    const actionId = await proposeAction('protect');
    const { referralId, position } = await raise({ planActionId: actionId });
    const { body: referral } = await read('officer', referralId, position).expect(200);
    expect(referral).toMatchObject({ planActionId: actionId, threatId: threatId() });
    expect(await planAction(actionId, position)).toMatchObject({
      referrals: [
        {
          referralId,
          status: 'submitted',
          concerns: ['county-lines', 'child-criminal-exploitation'],
          urgency: 'immediate',
        },
      ],
    });

    const reason = 'Visited jointly with children’s services, who took the case on the day';
    const [waiting, notLro] = await refused(
      [() => as.threatAnalyst.post(completion(actionId)).send({ outcome: 'Visit made' }), 409],
      [
        () =>
          as.threatAnalyst
            .post(completion(actionId))
            .send({ outcome: 'Visit made', unacknowledgedReferralReason: reason }),
        403,
      ],
    );
    expect(waiting.body.detail).toContain(`referral ${referralId} is not yet acknowledged`);
    expect(notLro.body.detail).toMatch(/Only the threat's LRO/);

    await as.threatLro
      .post(completion(actionId))
      .send({ outcome: 'Visit made', unacknowledgedReferralReason: reason })
      .expect(200);
    const completed = (await events(`threat:${threatId()}`)).filter(
      (e) => e.type === 'threats.ActionCompleted' && e.payload.actionId === actionId,
    );
    expect(completed).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          unacknowledgedReferrals: { referralIds: [referralId], reason },
        }),
      }),
    ]);
  });

  it('refuses a completion sent the moment the referral is raised, before any read waits', async () => {
    const actionId = await proposeAction('protect');
    const { referralId } = await raise({ planActionId: actionId });
    const { body } = await as.threatAnalyst
      .post(completion(actionId))
      .send({ outcome: 'Visit made' })
      .expect(409);
    expect(body.detail).toContain(`referral ${referralId} is not yet acknowledged`);
  });

  it('lets the action complete once its referral is acknowledged, and follows the referral', async () => {
    const actionId = await proposeAction('protect');
    const { referralId } = await raise({ planActionId: actionId });
    const acknowledged = await step('receiver', `/referrals/${referralId}/acknowledgement`);
    expect(await planAction(actionId, acknowledged)).toMatchObject({
      referrals: [{ referralId, status: 'acknowledged' }],
    });
    await as.threatAnalyst.post(completion(actionId)).send({ outcome: 'Visit made' }).expect(200);
  });

  it('links no referral to an action that is not a protect action of its threat', async () => {
    const actionId = await proposeAction('pursue');
    const { position } = await raise({ planActionId: actionId });
    expect(await planAction(actionId, position)).toMatchObject({ referrals: [] });
    await as.threatAnalyst
      .post(completion(actionId))
      .send({ outcome: 'Warrant executed' })
      .expect(200);
  });
});
