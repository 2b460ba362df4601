import { randomUUID } from 'node:crypto';
import { day, referralsHarness, SUBJECT } from '../../test/referral-commands.setup.js';

describe('raising a referral over HTTP (real PostgreSQL)', () => {
  const { as, org, officerRef, referralBody, raise, events, refused } = referralsHarness();

  it('appends the referral with whom it is about sealed, and consent when given', async () => {
    const { referralId } = await raise({
      lawfulBasis: undefined,
      consent: { givenBy: 'parent-or-guardian', givenOn: day(-1) },
      urgency: 'urgent',
    });
    const [raised] = await events(`referral:${referralId}`);
    expect(raised).toMatchObject({
      type: 'safeguarding.ReferralRaised',
      payload: {
        referralId,
        referrer: officerRef,
        receivingOrganisationId: org.childrens,
        urgency: 'urgent',
        disclosureBasis: { kind: 'consent', givenBy: 'parent-or-guardian', givenOn: day(-1) },
        subject: {
          subjectId: expect.stringMatching(/^subject:/),
          names: { $personal: 1 },
          dateOfBirth: { $personal: 1 },
          address: { $personal: 1 },
          otherIdentifiers: { $personal: 1 },
        },
        account: { $personal: 1 },
      },
    });
    expect(JSON.stringify(raised)).not.toContain(SUBJECT.familyName);
  });

  it('refuses bad input field by field, and changes nothing', async () => {
    const post = (body: object) => () => as.officer.post('/referrals').send(body);
    const [, , , , , , , , , , , own] = await refused(
      [post(referralBody({ surprise: 1 })), 400],
      [post(referralBody({ subject: { ...SUBJECT, nickname: 'x' } })), 400],
      [post(referralBody({ subject: { ...SUBJECT, givenName: 7 } })), 400],
      [post(referralBody({ subject: { ...SUBJECT, dateOfBirth: '2011-02-30' } })), 400],
      [post(referralBody({ concerns: [] })), 400],
      [post(referralBody({ concerns: ['gossip'] })), 400],
      [post(referralBody({ urgency: 'whenever' })), 400],
      [post(referralBody({ threatId: 'OPERATION QUARRY' })), 400],
      [post(referralBody({ lawfulBasis: undefined })), 400],
      [post(referralBody({ account: undefined })), 400],
      [post(referralBody({ consent: { givenBy: 'subject', givenOn: day(0) } })), 422],
      [post(referralBody({ receivingOrganisationId: org.cleveland })), 422],
      [post(referralBody({ raisedOn: day(3) })), 422],
      [post(referralBody({ referrer: { personId: 'someone', organisationId: org.durham } })), 403],
      [() => as.receiverPartner.post('/referrals').send(referralBody()), 403],
      [() => as.officer.post('/referrals').set('if-match', '2').send(referralBody()), 409],
    );
    expect(own.body.detail).toMatch(/another organisation/);
  });

  it('answers a referral id that no one raised with 404', async () => {
    await refused([() => as.officer.get(`/referrals/${randomUUID()}`), 404]);
  });
});
