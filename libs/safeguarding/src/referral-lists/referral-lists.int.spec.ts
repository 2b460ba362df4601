import { referralsHarness } from '../../test/referral-commands.setup.js';

describe('lists of referrals without personal data, over HTTP (real PostgreSQL)', () => {
  const { as, org, callers, threatId, raise, step } = referralsHarness();

  it('orders the inbox awaiting first, then most urgent, newest; the sent list newest first', async () => {
    const standard = await raise({ urgency: 'standard' });
    const immediate = await raise({ urgency: 'immediate' });
    const urgent = await raise({ urgency: 'urgent' });
    const answered = await raise({ urgency: 'immediate' });
    const position = await step('receiver', `/referrals/${answered.referralId}/declination`, {
      reason: 'wrong-agency',
      explanation: 'Adult services hold the case',
    });
    const ours = new Set([standard, immediate, urgent, answered].map((r) => r.referralId));
    const ids = (body: { referrals: { referralId: string }[] }) =>
      body.referrals.map((r) => r.referralId).filter((id) => ours.has(id));

    const inbox = await as.receiver.get('/views/referrals/inbox').query({ minPosition: position });
    expect(inbox.status).toBe(200);
    expect(inbox.body.organisationId).toBe(org.childrens);
    expect(ids(inbox.body)).toEqual([
      immediate.referralId,
      urgent.referralId,
      standard.referralId,
      answered.referralId,
    ]);
    expect(JSON.stringify(inbox.body)).not.toContain('$personal');
    expect(inbox.body.referrals[0]).not.toHaveProperty('personalData');

    const sent = await as.officer.get('/views/referrals/sent').query({ minPosition: position });
    expect(ids(sent.body)).toEqual(
      [answered, urgent, immediate, standard].map((r) => r.referralId),
    );
    const declined = await as.officer
      .get('/views/referrals/sent')
      .query({ status: 'declined', minPosition: position });
    expect(ids(declined.body)).toEqual([answered.referralId]);

    const counts = await as.receiver
      .get('/views/referrals/counts')
      .query({ minPosition: position });
    expect(counts.body.received).toMatchObject({ declined: expect.any(Number) });
    expect(counts.body.received.submitted).toBeGreaterThanOrEqual(3);
    expect(counts.body.sent.submitted).toBe(0);
  });

  it('scopes every list to the caller’s organisation', async () => {
    const { position } = await raise();
    const outsider = await as.outsider
      .get('/views/referrals/inbox')
      .query({ minPosition: position });
    expect(outsider.body.referrals).toEqual([]);
    const peeking = await as.outsider
      .get('/views/referrals/sent')
      .query({ organisationId: org.cleveland, minPosition: position });
    expect(peeking.body.referrals).toEqual([]);
    const audited = await as.auditor
      .get('/views/referrals/inbox')
      .query({ organisationId: org.childrens, minPosition: position });
    expect(audited.body.referrals.length).toBeGreaterThan(0);
    await as.threatLro.get('/views/referrals/inbox').expect(403);
  });

  it('shows the threat’s holder the referrals on it, never whom they are about', async () => {
    const { referralId, position } = await raise();
    const { body } = await as.threatLro
      .get(`/views/referrals/threats/${threatId()}`)
      .query({ minPosition: position })
      .expect(200);
    expect(body.referrals.map((r: { referralId: string }) => r.referralId)).toContain(referralId);
    expect(JSON.stringify(body)).not.toContain('$personal');
    const outsider = await as.outsiderLro
      .get(`/views/referrals/threats/${threatId()}`)
      .query({ minPosition: position })
      .expect(200);
    expect(outsider.body.referrals).toEqual([]);
  });

  it('follows the threat’s holders from the threats context: a new LRO’s organisation sees it', async () => {
    const { body: threat } = await as.threatAnalyst
      .post('/threats')
      .send({
        ownerOrganisationId: org.rocu,
        kind: 'ocg',
        codeName: 'OPERATION HANDOVER',
        summary: 'A line whose plan passes to Durham',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 3,
        phase: 'active',
        soc: true,
        lro: { personId: callers.threatLro.personId, organisationId: org.rocu },
        marking: 'OFFICIAL',
        signposting: false,
      })
      .expect(201);
    const { referralId, position } = await raise({ threatId: threat.threatId });
    await as.outsiderLro
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .expect(404);
    const { body: handed } = await as.threatAnalyst
      .post(`/threats/${threat.threatId}/lro`)
      .send({ lro: { personId: callers.outsiderLro.personId, organisationId: org.durham } })
      .expect(200);
    const { body } = await as.outsiderLro
      .get(`/referrals/${referralId}`)
      .query({ minPosition: handed.globalPosition })
      .expect(200);
    expect(body).toMatchObject({ referralId, personalData: null });
    // Durham now holds the threat, but its safeguarding officers are no side of the referral.
    await as.outsider.get(`/referrals/${referralId}`).expect(403);
  });
});
