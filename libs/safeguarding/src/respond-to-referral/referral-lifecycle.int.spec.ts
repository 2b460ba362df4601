import { randomUUID } from 'node:crypto';
import { referralsHarness } from '../../test/referral-commands.setup.js';

describe('a referral’s life over HTTP (real PostgreSQL)', () => {
  const { as, org, officerRef, raise, step, read, events, refused } = referralsHarness();

  it('is raised, acknowledged, accepted, noted by both sides and closed with its outcome', async () => {
    const { referralId } = await raise();
    const at = (action: string) => `/referrals/${referralId}/${action}`;
    await step('receiver', at('acknowledgement'));
    await step('receiver', at('acceptance'));
    await step('officer', at('notes'), { text: 'Mother told of the referral' }, 201);
    await step('receiver', at('notes'), { text: 'Strategy discussion held with school' }, 201);
    const closed = await step('receiver', at('closure'), {
      outcome: 'successful',
      reason: 'support-in-place',
      explanation: 'Child protection plan agreed at conference',
    });

    expect((await events(`referral:${referralId}`)).map((e) => e.type)).toEqual([
      'safeguarding.ReferralRaised',
      'safeguarding.ReferralAcknowledged',
      'safeguarding.ReferralAccepted',
      'safeguarding.ReferralNoteAdded',
      'safeguarding.ReferralNoteAdded',
      'safeguarding.ReferralClosed',
    ]);
    const { body } = await read('officer', referralId, closed).expect(200);
    expect(body).toMatchObject({
      referralId,
      status: 'closed',
      urgency: 'immediate',
      concerns: ['county-lines', 'child-criminal-exploitation'],
      referringOrganisationId: org.cleveland,
      referringPersonId: officerRef.personId,
      receivingOrganisationId: org.childrens,
      outcome: 'successful',
      closureReason: 'support-in-place',
      noteCount: 2,
      version: 6,
      disclosureBasis: { kind: 'lawful-basis', basis: 'children-act-2004-s11' },
      personalData: {
        givenName: 'Kayden',
        closureExplanation: 'Child protection plan agreed at conference',
        notes: [
          { text: 'Mother told of the referral', addedByOrganisationId: org.cleveland },
          { text: 'Strategy discussion held with school', addedByOrganisationId: org.childrens },
        ],
      },
    });
    expect(body.acknowledgedAt).not.toBeNull();
    expect(body.acceptedAt).not.toBeNull();
  });

  it('is declined with a reason, or withdrawn by the referrer, and then takes no answer', async () => {
    const declined = await raise();
    await step('receiver', `/referrals/${declined.referralId}/declination`, {
      reason: 'already-known-and-supported',
      explanation: 'Open to the early help team since October',
    });
    const withdrawn = await raise({ urgency: 'standard' });
    const position = await step('officer', `/referrals/${withdrawn.referralId}/withdrawal`, {
      reason: 'raised-in-error',
      explanation: 'Wrong family: the address was mistyped',
    });
    const [acceptDeclined, acceptWithdrawn] = await refused(
      [() => as.receiver.post(`/referrals/${declined.referralId}/acceptance`).send({}), 409],
      [() => as.receiver.post(`/referrals/${withdrawn.referralId}/acceptance`).send({}), 409],
      [
        () =>
          as.officer.post(`/referrals/${withdrawn.referralId}/withdrawal`).send({
            reason: 'duplicate',
            explanation: 'Again, by mistake',
          }),
        409,
      ],
    );
    expect(acceptDeclined.body.detail).toMatch(/declined: only a referral that is submitted/);
    expect(acceptWithdrawn.body.detail).toMatch(/withdrawn/);
    const { body } = await read('receiver', withdrawn.referralId, position).expect(200);
    expect(body).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: 'raised-in-error',
      personalData: { withdrawalExplanation: 'Wrong family: the address was mistyped' },
    });
  });

  it('lets each side do only its part, and hides the referral from everyone else', async () => {
    const { referralId } = await raise();
    const at = (action: string) => `/referrals/${referralId}/${action}`;
    const [, , , , , , , unknown] = await refused(
      [() => as.officer.post(at('acknowledgement')).send({}), 403],
      [
        () =>
          as.officer.post(at('closure')).send({ outcome: 'successful', reason: 'risk-reduced' }),
        403,
      ],
      [
        () =>
          as.receiver
            .post(at('withdrawal'))
            .send({ reason: 'duplicate', explanation: 'Not ours to withdraw' }),
        403,
      ],
      [() => as.receiverPartner.post(at('acknowledgement')).send({}), 403],
      [() => as.outsider.post(at('acknowledgement')).send({}), 404],
      [() => as.outsider.post(at('notes')).send({ text: 'Not our referral' }), 404],
      [
        () =>
          as.receiver.post(at('closure')).send({ outcome: 'successful', reason: 'risk-reduced' }),
        409,
      ],
      [() => as.receiver.post(`/referrals/${randomUUID()}/acknowledgement`).send({}), 404],
    );
    expect(unknown.body.detail).toMatch(/referral/);
  });

  it('refuses bad input field by field, and a stale If-Match', async () => {
    const { referralId } = await raise();
    const at = (action: string) => `/referrals/${referralId}/${action}`;
    await refused(
      [() => as.receiver.post(at('acknowledgement')).send({ surprise: true }), 400],
      [() => as.receiver.post(at('declination')).send({ reason: 'threshold-not-met' }), 400],
      [
        () =>
          as.receiver
            .post(at('declination'))
            .send({ reason: 'bored', explanation: 'No reason at all' }),
        400,
      ],
      [() => as.receiver.post(at('notes')).send({ text: 42 }), 400],
      [() => as.receiver.post('/referrals/not-a-uuid/acknowledgement').send({}), 400],
      [() => as.receiver.post(at('acknowledgement')).set('if-match', '3').send({}), 409],
      [() => as.receiver.post(at('acknowledgement')).set('if-match', 'soon').send({}), 400],
    );
    await as.receiver.post(at('acknowledgement')).set('if-match', '1').send({}).expect(200);
    await as.receiver.post(at('acceptance')).send({}).expect(200);
    await refused([
      () =>
        as.receiver
          .post(at('closure'))
          .send({ outcome: 'unsuccessful', reason: 'support-in-place' }),
      422,
    ]);
  });
});
