import { randomUUID } from 'node:crypto';
import { principal, startTestApp, type TestApp } from '../../../../test/support/test-app.js';

const POOL_SIZE = 8;
const READERS = 3 * POOL_SIZE;

/**
 * Reading a plan opens the names on it. With every pooled connection held by a plan read, a
 * read that asked the pool for a second connection (to fetch the keys) would wait for ever, and
 * every read would fail once its wait timed out: the keys are read on the read's own connection.
 */
describe('plans read by more callers at once than the pool has connections (real PostgreSQL)', () => {
  let t: TestApp;
  const force = `cleveland-police-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        DATABASE_CONNECT_TIMEOUT_MS: '3000',
        RATE_LIMIT_BURST_PER_SECOND: '1000',
      },
    });
  });
  afterAll(() => t?.close());

  it(`answers ${READERS} concurrent reads of a plan with a named person, each with the name`, async () => {
    const analyst = await t.as(principal(force, ['analyst']));
    const { body: registered } = await analyst
      .post('/threats')
      .send({
        ownerOrganisationId: force,
        kind: 'ocg',
        codeName: 'OPERATION PIPIT',
        summary: 'Supply of cocaine through a car wash',
        priorityArea: 'drug-trafficking',
        type: 'tactical',
        tier: 3,
        phase: 'active',
        soc: true,
        lro: { personId: `lro-${force}`, organisationId: force },
        marking: 'OFFICIAL',
        signposting: false,
      })
      .expect(201);
    const { body: added } = await analyst
      .post(`/threats/${registered.threatId}/plan/people`)
      .send({ name: 'Dean Marrow', role: 'principal' })
      .expect(201);
    const path = `/threats/${registered.threatId}/plan?minPosition=${added.globalPosition}`;
    const answers = await Promise.all(Array.from({ length: READERS }, () => analyst.get(path)));
    expect(answers.map((answer) => [answer.status, answer.body.people?.[0]?.name])).toEqual(
      answers.map(() => [200, 'Dean Marrow']),
    );
  });
});
