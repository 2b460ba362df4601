import { EventStore, IntegrityVerifier } from '@soc/event-store';
import { rebuildProjection } from '@soc/messaging';
import { principal } from '../../../../test/support/test-app.js';
import { referralsHarness, SUBJECT, SUBJECT_VALUES } from '../../test/referral-commands.setup.js';
import { safeguardingProjection } from '../index.js';

/**
 * Erasing whom a referral is about over HTTP on real PostgreSQL: every read, before and after a
 * full rebuild of the safeguarding projection from the log, shows the personal fields as erased,
 * while the events stay and their hash chain verifies.
 */
describe('erasing a referral’s subject at the end of retention (real PostgreSQL)', () => {
  const { t, as, org, raise, step, read, events, refused } = referralsHarness();
  const reason = 'Retention period ended: six years after the referral was withdrawn';
  const admin = principal(org.cleveland, ['admin'], 'cleveland-admin');
  const erasure = (referralId: string) => `/referrals/${referralId}/subject-erasure`;

  const accessLog = async (referralId: string) => {
    const { rows } = await t().db.pool.query<{ operation: string; purpose: string }>(
      `SELECT operation, purpose FROM security.personal_data_access_log
        WHERE record_type = 'referral' AND record_id = $1 ORDER BY id`,
      [referralId],
    );
    return rows;
  };

  it('refuses whoever is not the referring organisation’s admin, and a referral not yet over', async () => {
    const { referralId } = await raise();
    const as_ = async (organisationId: string, role: 'admin' | 'safeguarding-officer') =>
      t().as(principal(organisationId, [role], `${role}-${organisationId}`));
    const receiverAdmin = await as_(org.childrens, 'admin');
    const outsiderAdmin = await as_(org.durham, 'admin');
    const officer = await as_(org.cleveland, 'safeguarding-officer');
    const own = await t().as(admin);
    const [, , , notOver] = await refused(
      [() => receiverAdmin.post(erasure(referralId)).send({ reason }), 403],
      [() => outsiderAdmin.post(erasure(referralId)).send({ reason }), 404],
      [() => officer.post(erasure(referralId)).send({ reason }), 403],
      [() => own.post(erasure(referralId)).send({ reason }), 409],
      [() => own.post(erasure(referralId)).send({ reason: 'old' }), 400],
      [() => own.post(erasure(referralId)).send({ reason, surprise: 1 }), 400],
    );
    expect(notOver.body.detail).toMatch(/submitted: only a referral that is declined/);
  });

  it('erases: every view shows the subject as erased, also after a rebuild from the log; the events stay and verify', async () => {
    const { referralId } = await raise();
    await step(
      'receiver',
      `/referrals/${referralId}/notes`,
      { text: `Met ${SUBJECT.givenName}` },
      201,
    );
    const withdrawn = await step('officer', `/referrals/${referralId}/withdrawal`, {
      reason: 'concern-resolved',
      explanation: `${SUBJECT.givenName} moved in with grandparents`,
    });
    const before = await read('officer', referralId, withdrawn).expect(200);
    expect(before.body.personalData).toMatchObject({ familyName: SUBJECT.familyName });

    const agent = await t().as(admin);
    const { body: erased } = await agent.post(erasure(referralId)).send({ reason }).expect(200);
    expect(erased).toMatchObject({ streamId: `referral:${referralId}`, streamVersion: 4 });
    const logged = (await accessLog(referralId)).length;

    const everyView = async (minPosition?: number) => {
      const query = minPosition === undefined ? {} : { minPosition };
      const detail = (caller: keyof typeof as) =>
        as[caller].get(`/referrals/${referralId}`).query(query).expect(200);
      const personal = await Promise.all(
        ['officer', 'receiver', 'auditor'].map((c) => detail(c as keyof typeof as)),
      );
      for (const { body } of personal) {
        expect(body).toMatchObject({ status: 'withdrawn', subjectErasedAt: expect.any(String) });
        expect(body.personalData).toMatchObject({
          erased: true,
          givenName: null,
          familyName: null,
          alsoKnownAs: [],
          dateOfBirth: null,
          address: null,
          otherIdentifiers: [],
          account: null,
          withdrawalExplanation: null,
          notes: [expect.objectContaining({ text: null })],
        });
      }
      const lro = await detail('threatLro');
      expect(lro.body).toMatchObject({ personalData: null, subjectErasedAt: expect.any(String) });
      const lists = [
        await as.receiver.get('/views/referrals/inbox').query(query).expect(200),
        await as.officer.get('/views/referrals/sent').query(query).expect(200),
        await as.threatLro
          .get(`/views/referrals/threats/${lro.body.threatId}`)
          .query(query)
          .expect(200),
      ];
      for (const list of lists) expect(JSON.stringify(list.body)).toContain(referralId);
      for (const { body } of [...personal, lro, ...lists]) {
        const text = JSON.stringify(body);
        for (const value of SUBJECT_VALUES) expect(text).not.toContain(value);
      }
    };
    await everyView(erased.globalPosition);

    await rebuildProjection(t().db.pool, t().app.get(EventStore), safeguardingProjection);
    await everyView();

    const stored = await events(`referral:${referralId}`);
    expect(stored.map((e) => e.type)).toEqual([
      'safeguarding.ReferralRaised',
      'safeguarding.ReferralNoteAdded',
      'safeguarding.ReferralWithdrawn',
      'safeguarding.ReferralSubjectErased',
    ]);
    expect(JSON.stringify(stored[0].payload)).toContain('$personal');
    await expect(
      new IntegrityVerifier(t().db.pool).verifyStream(`referral:${referralId}`),
    ).resolves.toMatchObject({ ok: true });
    const { rows: keys } = await t().db.pool.query(
      `SELECT wrapped_key, erasure_reason FROM security.subject_keys WHERE subject_id = $1`,
      [(stored[0].payload.subject as { subjectId: string }).subjectId],
    );
    expect(keys).toEqual([{ wrapped_key: null, erasure_reason: reason }]);

    // Reads of an erased subject disclose nothing of them, so none is logged against them.
    const log = await accessLog(referralId);
    expect(log).toHaveLength(logged);
    expect(log.at(-1)).toEqual({ operation: 'erasure', purpose: reason });
  });

  it('answers a repeated erasure with the same result, and takes no more notes of the subject', async () => {
    const { referralId } = await raise();
    await step('officer', `/referrals/${referralId}/withdrawal`, {
      reason: 'duplicate',
      explanation: 'Raised twice by the same officer',
    });
    const agent = await t().as(admin);
    const first = await agent.post(erasure(referralId)).send({ reason }).expect(200);
    const [again] = await refused([
      () => as.receiver.post(`/referrals/${referralId}/notes`).send({ text: 'A late word' }),
      410,
    ]);
    expect(again.body.detail).toMatch(/erased/);
    const before = await t().eventCount();
    const repeated = await agent.post(erasure(referralId)).send({ reason }).expect(200);
    expect(repeated.body).toMatchObject({ streamVersion: first.body.streamVersion });
    expect(await t().eventCount()).toBe(before);
  });
});
