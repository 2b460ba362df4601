import { randomUUID } from 'node:crypto';
import type { Role } from '@soc/security';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from '../../../../test/support/test-app.js';

/**
 * Facts entered after the event, dated when they happened: the log keeps the system's recorded
 * time, "as of" views read the business dates, and a date in the future or out of order is a 422.
 */
describe('business dates on threat commands (real PostgreSQL)', () => {
  let t: TestApp;
  const run = randomUUID().slice(0, 6);
  const force = `teesside-force-${run}`;
  const as = {} as Record<'analyst' | 'lro' | 'moderator', AuthenticatedAgent>;
  const roles: Record<keyof typeof as, [string, Role]> = {
    analyst: [force, 'analyst'],
    lro: [force, 'lro'],
    moderator: [`rocu-${run}`, 'rocta-moderator'],
  };

  const register = async (registeredOn: string) => {
    const { body } = await as.analyst
      .post('/threats')
      .send({
        ownerOrganisationId: force,
        kind: 'ocg',
        codeName: 'OPERATION WAGTAIL',
        summary: 'Cannabis factories in rented houses',
        priorityArea: 'drug-trafficking',
        type: 'tactical',
        tier: 3,
        phase: 'active',
        soc: true,
        lro: { personId: `lro-${force}`, organisationId: force },
        marking: 'OFFICIAL',
        signposting: false,
        registeredOn,
      })
      .expect(201);
    return body.threatId as string;
  };
  const occurrences = async (threatId: string) => {
    const { rows } = await t.db.pool.query<{ type: string; occurred: string; recorded: string }>(
      `SELECT event_type AS type, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS occurred,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS recorded
         FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`threat:${threatId}`],
    );
    return rows;
  };
  const counted = async (asOf: string, minPosition: number) => {
    const { body } = await as.analyst
      .get(`/threats/counts?asOf=${asOf}&minPosition=${minPosition}`)
      .expect(200);
    return (
      body.byOrganisation.find((o: { organisationId: string }) => o.organisationId === force)
        ?.count ?? 0
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    for (const [name, [organisationId, role]] of Object.entries(roles)) {
      as[name as keyof typeof as] = await t.as(principal(organisationId, [role]));
    }
  });
  afterAll(() => t?.close());

  it('records each fact at its business date, keeps the recorded time, and counts as of those dates', async () => {
    const threatId = await register('2021-01-04');
    const { body: assessed } = await as.analyst
      .post(`/threats/${threatId}/assessments`)
      .send({
        modelVersion: 'MoRiLE 2.1',
        scores: { harm: 70, likelihood: 60, confidence: 80, capacity: 40, capability: 50 },
        outputs: { totalScore: 336, priority: 'high', opportunity: 'low' },
        assessedOn: '2021-01-11',
        intelligenceDate: '2021-01-02',
        rationale: 'Two addresses confirmed by a warrant',
      })
      .expect(201);
    await as.moderator
      .post(`/threats/${threatId}/assessments/${assessed.assessmentId}/moderation`)
      .send({ decision: 'moderated', note: 'Consistent', moderatedOn: '2021-02-01' })
      .expect(200);
    await as.lro
      .post(`/threats/${threatId}/tier`)
      .send({ tier: 2, reason: 'Firearm recovered', changedOn: '2021-03-15' })
      .expect(200);
    const { body: closed } = await as.lro
      .post(`/threats/${threatId}/closure`)
      .send({ reason: 'Principals convicted', closedOn: '2021-06-30' })
      .expect(200);

    const today = new Date().toISOString().slice(0, 10);
    expect(await occurrences(threatId)).toEqual([
      { type: 'threats.ThreatRegistered', occurred: '2021-01-04', recorded: today },
      { type: 'threats.ThreatAssessmentRecorded', occurred: '2021-01-11', recorded: today },
      { type: 'threats.ThreatAssessmentModerated', occurred: '2021-02-01', recorded: today },
      { type: 'threats.ThreatTierChanged', occurred: '2021-03-15', recorded: today },
      { type: 'threats.ThreatClosed', occurred: '2021-06-30', recorded: today },
    ]);
    const position = closed.globalPosition as number;
    expect(await counted('2021-01-20', position)).toBe(0); // assessed, not yet moderated
    expect(await counted('2021-02-01', position)).toBe(1); // moderated that day
    expect(await counted('2021-06-29', position)).toBe(1);
    expect(await counted('2021-06-30', position)).toBe(0); // closed that day
    const { body: view } = await as.analyst.get(`/threats/${threatId}`).expect(200);
    expect(view.closedAt).toMatch(/^2021-06-30T/);
  });

  it('refuses a date in the future, one before the threat’s last fact, and one that is no date', async () => {
    const threatId = await register('2021-05-10');
    await as.lro
      .post(`/threats/${threatId}/phase`)
      .send({ phase: 'pursue', changedOn: '2021-07-01' })
      .expect(200);
    const before = await t.eventCount();
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const refusals = [
      [422, { closedOn: future }, new RegExp(`closedOn ${future} is in the future`)],
      [422, { closedOn: '2021-06-30' }, /closedOn 2021-06-30 falls before .* \(2021-07-01\)/],
      [400, { closedOn: '2021-02-30' }, /closedOn must be a date YYYY-MM-DD/],
    ] as const;
    for (const [status, date, detail] of refusals) {
      const response = await as.lro
        .post(`/threats/${threatId}/closure`)
        .send({ reason: 'Group dismantled', ...date })
        .expect(status);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(response.body)).toMatch(detail);
    }
    await as.analyst.post('/threats').send({ registeredOn: future }).expect(400);
    expect(await t.eventCount()).toBe(before);
  });
});
