import { principal } from '../../../../test/support/test-app.js';
import { day, referralsHarness, SUBJECT } from '../../test/referral-commands.setup.js';

/**
 * Restriction instead of erasure (DPA 2018, s. 47) over HTTP on real PostgreSQL: while it stands
 * only auditors with a purpose read whom the referral is about, everyone else sees that it is
 * restricted, and erasure is refused with a problem document naming it.
 */
describe('restricting a referral’s personal data (real PostgreSQL)', () => {
  const { t, as, org, callers, raise, step, read, refused } = referralsHarness();
  const until = day(30);
  const restriction = {
    ground: 'kept-as-evidence',
    until,
    explanation: 'Evidence in R v Marsh, trial listed at Teesside Crown Court',
  };
  const receiverAdmin = principal(org.childrens, ['admin'], 'hartlepool-admin');
  const referrerAdmin = principal(org.cleveland, ['admin'], 'cleveland-admin');
  const agent = (caller: typeof receiverAdmin) => t().as(caller);
  const path = (referralId: string, rest = '') => `/referrals/${referralId}/restriction${rest}`;

  const disclosures = async (referralId: string) => {
    const { rows } = await t().db.pool.query<{ person_id: string; operation: string }>(
      `SELECT person_id, operation FROM security.personal_data_access_log
        WHERE record_type = 'referral' AND record_id = $1 AND operation <> 'collection' ORDER BY id`,
      [referralId],
    );
    return rows;
  };

  it('is made by an admin of either side, once, until a day after today', async () => {
    const { referralId } = await raise();
    const admin = await agent(receiverAdmin);
    const outsider = await agent(principal(org.durham, ['admin'], 'durham-admin'));
    await refused(
      [() => as.receiver.post(path(referralId)).send(restriction), 403],
      [() => outsider.post(path(referralId)).send(restriction), 404],
      [() => admin.post(path(referralId)).send({ ...restriction, until: day(0) }), 422],
      [() => admin.post(path(referralId)).send({ ...restriction, ground: 'convenience' }), 400],
      [() => admin.post(path(referralId)).send({ ...restriction, until: 'soon' }), 400],
      [
        () => admin.post(path(referralId, '/lifting')).send({ explanation: 'Nothing to lift' }),
        409,
      ],
    );
    await admin.post(path(referralId)).send(restriction).expect(200);
    const [again] = await refused([() => admin.post(path(referralId)).send(restriction), 409]);
    expect(again.body.detail).toMatch(/already restricted \(kept-as-evidence/);
  });

  it('opens the personal data to auditors only, with a purpose, and shows every reader the restriction', async () => {
    const { referralId } = await raise();
    const made = await (
      await agent(receiverAdmin)
    )
      .post(path(referralId))
      .send(restriction)
      .expect(200);
    const position = made.body.globalPosition as number;
    const logged = await disclosures(referralId);
    const shown = {
      ground: 'kept-as-evidence',
      until,
      restrictedByPersonId: receiverAdmin.personId,
      restrictedByOrganisationId: org.childrens,
    };
    for (const caller of ['officer', 'receiver', 'threatLro', 'clevelandLro'] as const) {
      const { body } = await read(caller, referralId, position).expect(200);
      expect({ caller, body }).toMatchObject({
        caller,
        body: { referralId, restriction: shown, personalData: null },
      });
      expect(JSON.stringify(body)).not.toContain(SUBJECT.familyName);
    }
    await as.auditor
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .unset('x-purpose')
      .expect(400);
    const { body } = await as.auditor
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .set('x-purpose', 'Disclosure review for the trial')
      .expect(200);
    expect(body).toMatchObject({
      restriction: shown,
      personalData: {
        familyName: SUBJECT.familyName,
        restrictionExplanation: restriction.explanation,
      },
    });
    expect((await disclosures(referralId)).slice(logged.length)).toEqual([
      { person_id: callers.auditor.personId, operation: 'disclosure' },
    ]);
  });

  it('refuses erasure with a 409 naming the restriction while it stands; lifted, the officers read again and erasure proceeds', async () => {
    const { referralId } = await raise();
    await step('officer', `/referrals/${referralId}/withdrawal`, {
      reason: 'referred-elsewhere',
      explanation: 'Passed to the county lines team for a joint visit',
    });
    await (await agent(receiverAdmin)).post(path(referralId)).send(restriction).expect(200);
    const owner = await agent(referrerAdmin);
    const erase = () =>
      owner.post(`/referrals/${referralId}/subject-erasure`).send({ reason: 'Retention ended' });
    const [refusal] = await refused([erase, 409]);
    expect(refusal.body).toMatchObject({ type: '/problems/invalid-transition' });
    expect(refusal.body.detail).toContain(
      `restricted (kept-as-evidence, until ${until}, by ${receiverAdmin.personId} of ${org.childrens})`,
    );

    const lifted = await owner
      .post(path(referralId, '/lifting'))
      .send({ explanation: 'The prosecution no longer relies on the referral' })
      .expect(200);
    const { body } = await read('officer', referralId, lifted.body.globalPosition).expect(200);
    expect(body).toMatchObject({
      restriction: null,
      personalData: { familyName: SUBJECT.familyName, restrictionExplanation: null },
    });
    await erase().expect(200);
  });
});
