import { referralsHarness, SUBJECT, SUBJECT_VALUES } from '../../test/referral-commands.setup.js';

describe('who sees whom a referral is about, over HTTP (real PostgreSQL)', () => {
  const { t, as, org, callers, raise, step, read } = referralsHarness();

  const accessLog = async (referralId: string) => {
    const { rows } = await t().db.pool.query<Record<string, unknown>>(
      `SELECT person_id, organisation_id, operation, subject_ids, disclosed_to, purpose
         FROM security.personal_data_access_log
        WHERE record_type = 'referral' AND record_id = $1 ORDER BY id`,
      [referralId],
    );
    return rows;
  };

  it.each([
    ['officer', 'the referring safeguarding officer', true],
    ['receiver', 'the receiving safeguarding officer', true],
    ['auditor', 'an auditor', true],
    ['threatLro', 'the threat’s LRO', false],
    ['threatAnalyst', 'an analyst of the threat’s owner', false],
    ['clevelandLro', 'an LRO of the referring organisation', false],
  ] as const)('%s (%s): personal data %s', async (caller, _who, personal) => {
    const { referralId, position } = await raise();
    const { body } = await read(caller, referralId, position).expect(200);
    expect(body).toMatchObject({ referralId, status: 'submitted', urgency: 'immediate' });
    if (personal) {
      expect(body.personalData).toMatchObject({
        givenName: SUBJECT.givenName,
        familyName: SUBJECT.familyName,
        alsoKnownAs: SUBJECT.alsoKnownAs,
        dateOfBirth: SUBJECT.dateOfBirth,
        address: SUBJECT.address,
        otherIdentifiers: SUBJECT.otherIdentifiers,
        erased: false,
      });
    } else {
      expect(body.personalData).toBeNull();
      const text = JSON.stringify(body);
      for (const value of [SUBJECT.familyName, SUBJECT.dateOfBirth, SUBJECT.address]) {
        expect(text).not.toContain(value);
      }
    }
  });

  it.each([
    ['outsider', 404],
    ['outsiderLro', 404],
    ['receiverPartner', 403],
  ] as const)('refuses %s with %i', async (caller, status) => {
    const { referralId, position } = await raise();
    await read(caller, referralId, position).expect(status);
  });

  it('logs each personal read with its purpose: consultation by a side, disclosure to an auditor', async () => {
    const { referralId, position } = await raise();
    const before = await accessLog(referralId);
    expect(before).toEqual([
      expect.objectContaining({ operation: 'collection', person_id: callers.officer.personId }),
    ]);
    const subjectIds = before[0].subject_ids;
    await as.receiver
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .set('x-purpose', 'Strategy discussion, Quarrington Terrace')
      .expect(200);
    await as.auditor
      .get(`/referrals/${referralId}`)
      .set('x-purpose', 'Inspection of referral handling')
      .expect(200);
    await read('threatLro', referralId, position).expect(200);
    expect((await accessLog(referralId)).slice(1)).toEqual([
      {
        person_id: callers.receiver.personId,
        organisation_id: org.childrens,
        operation: 'consultation',
        subject_ids: subjectIds,
        disclosed_to: null,
        purpose: 'Strategy discussion, Quarrington Terrace',
      },
      {
        person_id: callers.auditor.personId,
        organisation_id: callers.auditor.organisationId,
        operation: 'disclosure',
        subject_ids: subjectIds,
        disclosed_to: callers.auditor.organisationId,
        purpose: 'Inspection of referral handling',
      },
    ]);
  });

  it('asks a caller who may read the personal data for a purpose, and logs nothing without one', async () => {
    const { referralId, position } = await raise();
    const logged = (await accessLog(referralId)).length;
    const answer = await as.receiver
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .unset('x-purpose')
      .expect(400);
    expect(answer.body.code ?? answer.body.type).toMatch(/purpose-required/);
    const lro = await as.threatLro
      .get(`/referrals/${referralId}`)
      .query({ minPosition: position })
      .unset('x-purpose')
      .expect(200);
    expect(lro.body.personalData).toBeNull();
    expect(await accessLog(referralId)).toHaveLength(logged);
  });

  it('keeps the subject out of the event log and the read-model tables in the clear', async () => {
    const { referralId } = await raise();
    const note = await step(
      'receiver',
      `/referrals/${referralId}/notes`,
      {
        text: `Visited ${SUBJECT.address} with ${SUBJECT.givenName}`,
      },
      201,
    );
    await read('officer', referralId, note).expect(200);
    const { rows } = await t().db.pool.query<{ text: string }>(
      `SELECT string_agg(payload::text, ' ') AS text FROM event_store.events
        WHERE stream_id = $1`,
      [`referral:${referralId}`],
    );
    const tables = await t().db.pool.query<{ text: string }>(
      `SELECT (SELECT string_agg(row_to_json(r)::text, ' ') FROM safeguarding.referrals r
                WHERE referral_id = $1)
           || (SELECT string_agg(row_to_json(n)::text, ' ') FROM safeguarding.referral_notes n
                WHERE referral_id = $1) AS text`,
      [referralId],
    );
    for (const text of [rows[0].text, tables.rows[0].text]) {
      expect(text).toContain('$personal');
      for (const value of SUBJECT_VALUES) expect(text).not.toContain(value);
    }
  });
});
