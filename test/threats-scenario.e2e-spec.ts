import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock, isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import { kafkaIsOff } from '@soc/testing';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type TestApp,
} from './support/test-app.js';

const DAY = 24 * 3600 * 1000;

/** A clock the test moves: "today" for every command and view. */
class TestClock implements Clock {
  private offsetDays = 0;
  now = () => new Date(Date.now() + this.offsetDays * DAY);
  advanceDays(days: number) {
    this.offsetDays += days;
  }
}

const dayFromNow = (days: number) => isoDate(new Date(Date.now() + days * DAY));

type Mode = 'in-process delivery' | 'delivery over Kafka';
const modes: Mode[] = kafkaIsOff
  ? ['in-process delivery']
  : ['in-process delivery', 'delivery over Kafka'];

/**
 * The whole life of a plan on a page over HTTP, against real PostgreSQL (and a real Kafka broker
 * in the second run): register, assess, moderate, plan, share, actions, partner updates, review
 * overdue; at each step every caller sees exactly what is theirs to see.
 */
describe.each(modes)('threat and plan on a page, end to end (%s)', (mode) => {
  let t: TestApp;
  const clock = new TestClock();
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    nersou: `nersou-${run}`,
    hartlepool: `hartlepool-bc-${run}`,
    housing: `thirteen-housing-${run}`,
    durham: `durham-constabulary-${run}`,
  };
  const person = (organisationId: string, role: Role) =>
    principal(organisationId, [role], `${role}-${organisationId}`);
  const analyst = person(org.cleveland, 'analyst');
  const lro = person(org.cleveland, 'lro');
  const moderator = person(org.nersou, 'rocta-moderator');
  const councilOfficer = person(org.hartlepool, 'partner-officer');
  const housingOfficer = person(org.housing, 'partner-officer');
  const outsider = person(org.durham, 'analyst');
  const as: Record<string, AuthenticatedAgent> = {};
  let threatId = '';
  let position = 0;
  const actions: Record<'pursue' | 'prevent' | 'protect', string> = {
    pursue: '',
    prevent: '',
    protect: '',
  };

  const track = <T extends { globalPosition: number | null }>(body: T): T => {
    position = Math.max(position, body.globalPosition ?? 0);
    return body;
  };
  const read = (agent: AuthenticatedAgent, url: string) =>
    agent.get(url).query({ minPosition: position, waitMs: 20_000 });

  beforeAll(async () => {
    const kafka = mode === 'delivery over Kafka';
    if (kafka && !process.env.TEST_KAFKA_BROKERS) throw new Error('TEST_KAFKA_BROKERS is not set');
    t = await startTestApp({
      overrides: [{ provide: CLOCK, useValue: clock }],
      env: kafka
        ? {
            KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!,
            KAFKA_TOPIC_PREFIX: `scenario-${run}`,
            KAFKA_TOPIC_PARTITIONS: '2',
            KAFKA_REPLICATION_FACTOR: '1',
          }
        : {},
    });
    for (const [name, caller] of Object.entries({
      analyst,
      lro,
      moderator,
      councilOfficer,
      housingOfficer,
      outsider,
    })) {
      as[name] = await t.as(caller, 'Cleveland MARSOC, December meeting');
    }
  });
  afterAll(() => t.close());

  it('an analyst registers the threat and records its MoRiLE assessment', async () => {
    const registered = await as.analyst
      .post('/threats')
      .send({
        ownerOrganisationId: org.cleveland,
        kind: 'ocg',
        codeName: 'OPERATION KESTREL',
        summary: 'County lines supply of crack cocaine into Hartlepool from Merseyside',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: lro.personId, organisationId: org.cleveland },
        sro: null,
        place: null,
        clearHoldBuildPhase: null,
        marking: 'OFFICIAL',
        signposting: true,
        openedOn: dayFromNow(-60),
        registeredOn: dayFromNow(-60),
      })
      .expect(201);
    threatId = track(registered.body).threatId;
    expect(threatId).toMatch(/^[0-9a-f-]{36}$/);

    const assessed = await as.analyst
      .post(`/threats/${threatId}/assessments`)
      .send({
        modelVersion: 'MoRiLE 2.1 (Cleveland)',
        scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
        outputs: { totalScore: 1240, priority: 'high', opportunity: 'medium' },
        assessedOn: dayFromNow(-5),
        intelligenceDate: dayFromNow(-10),
        rationale: 'Test purchases and a cuckooed flat confirm the line still runs',
      })
      .expect(201);
    track(assessed.body);
    const view = await read(as.analyst, `/threats/${threatId}`).expect(200);
    expect(view.body).toMatchObject({ threatId, codeName: 'OPERATION KESTREL', tier: 2 });
    expect(JSON.stringify(view.body)).toMatch(/unmoderated/);
  });

  it('the ROCTA moderator moderates it, and the threat now counts for Cleveland', async () => {
    const before = await read(as.analyst, '/threats/counts')
      .query({ asOf: dayFromNow(0) })
      .expect(200);
    const countFor = (body: { byOrganisation: { organisationId: string; count: number }[] }) =>
      body.byOrganisation.find((o) => o.organisationId === org.cleveland)?.count ?? 0;
    expect(countFor(before.body)).toBe(0);

    const { body: threat } = await read(as.moderator, `/threats/${threatId}`).expect(200);
    const assessmentId =
      threat.currentAssessment?.assessmentId ?? threat.assessments?.[0]?.assessmentId;
    expect(assessmentId).toBeDefined();
    const moderated = await as.moderator
      .post(`/threats/${threatId}/assessments/${assessmentId}/moderation`)
      .send({ decision: 'moderated', note: 'Consistent with the regional scoring' })
      .expect(200);
    track(moderated.body);
    const after = await read(as.analyst, '/threats/counts')
      .query({ asOf: dayFromNow(0) })
      .expect(200);
    expect(countFor(after.body)).toBe(1);
  });

  it('the analyst writes the plan, records the people involved and shares it with two partners', async () => {
    track(
      (
        await as.analyst
          .put(`/threats/${threatId}/plan`)
          .send({
            criminalActivity:
              'Street supply of class A drugs; exploitation of local children as runners',
            placesAffected: ['Hartlepool town centre', 'Dyke House'],
            risks: ['Withdrawal of the task team in January'],
            reviewDate: dayFromNow(20),
          })
          .expect(200)
      ).body,
    );
    track(
      (
        await as.analyst
          .post(`/threats/${threatId}/plan/people`)
          .send({ name: 'Jordan Example', role: 'principal' })
          .expect(201)
      ).body,
    );
    track(
      (
        await as.analyst
          .post(`/threats/${threatId}/plan/shares`)
          .send({ organisationIds: [org.hartlepool, org.housing] })
          .expect(200)
      ).body,
    );
  });

  it('the LRO proposes and agrees 4P actions owned by the force and both partners', async () => {
    const owners = { pursue: lro, prevent: councilOfficer, protect: housingOfficer };
    const due = { pursue: dayFromNow(25), prevent: dayFromNow(10), protect: dayFromNow(15) };
    const descriptions = {
      pursue: 'Warrants at the two addresses linked to the line',
      prevent: 'Closure order on the cuckooed flat',
      protect: 'Move the vulnerable tenant and secure the property',
    };
    for (const category of ['pursue', 'prevent', 'protect'] as const) {
      const { body } = await as.lro
        .post(`/threats/${threatId}/actions`)
        .send({
          category,
          description: descriptions[category],
          owner: {
            personId: owners[category].personId,
            organisationId: owners[category].organisationId,
          },
          dueDate: due[category],
        })
        .expect(201);
      actions[category] = track(body).actionId;
      track(
        (
          await as.lro
            .post(`/threats/${threatId}/actions/${actions[category]}/agreement`)
            .expect(200)
        ).body,
      );
    }
  });

  it('a partner updates its own action and cannot touch another partner’s', async () => {
    track(
      (
        await as.councilOfficer
          .post(`/threats/${threatId}/actions/${actions.prevent}/start`)
          .expect(200)
      ).body,
    );
    track(
      (
        await as.councilOfficer
          .post(`/threats/${threatId}/actions/${actions.prevent}/progress`)
          .send({ note: 'Closure notice served; court date set' })
          .expect(200)
      ).body,
    );
    const events = await t.eventCount();
    const refused = await as.councilOfficer.post(
      `/threats/${threatId}/actions/${actions.protect}/start`,
    );
    expect([403, 404]).toContain(refused.status);
    expect(await t.eventCount()).toBe(events);
  });

  it('each partner sees the plan with only its own actions; an outsider is signposted to the holder', async () => {
    const housing = await read(as.housingOfficer, `/threats/${threatId}/plan`).expect(200);
    const housingActions = JSON.stringify(housing.body);
    expect(housingActions).toContain('Move the vulnerable tenant');
    expect(housingActions).not.toContain('Closure order');
    expect(housingActions).not.toContain('Warrants');
    expect(housingActions).toContain('Jordan Example');

    const council = await read(as.councilOfficer, `/threats/${threatId}/plan.html`).expect(200);
    expect(council.headers['content-type']).toMatch(/text\/html/);
    expect(council.text).toContain('Closure notice served');
    expect(council.text).not.toContain('Move the vulnerable tenant');

    const lroView = await read(as.lro, `/threats/${threatId}/plan`).expect(200);
    for (const text of ['Warrants', 'Closure order', 'Move the vulnerable tenant']) {
      expect(JSON.stringify(lroView.body)).toContain(text);
    }

    const outsider = await read(as.outsider, `/threats/${threatId}`).expect(403);
    expect(outsider.body).toMatchObject({
      type: '/problems/signposted',
      holderOrganisationId: org.cleveland,
    });
    expect(JSON.stringify(outsider.body)).not.toContain('KESTREL');
    await read(as.outsider, `/threats/${threatId}/plan`).expect((r) =>
      expect([403, 404]).toContain(r.status),
    );

    const log = await (
      await t.as(principal(org.nersou, ['auditor'], `auditor-${run}`))
    )
      .get('/audit/personal-data-access')
      .query({ organisation: org.housing })
      .expect(200);
    expect(log.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          operation: 'disclosure',
          disclosedTo: org.housing,
          purpose: 'Cleveland MARSOC, December meeting',
        }),
      ]),
    );
  });

  it('weeks later the LRO’s view puts the overdue plan first, with its past-due actions', async () => {
    track(
      (
        await as.councilOfficer
          .post(`/threats/${threatId}/actions/${actions.prevent}/completion`)
          .send({ outcome: 'Closure order granted for three months' })
          .expect(200)
      ).body,
    );
    clock.advanceDays(45);
    const { body } = await read(as.lro, '/views/my-plans').expect(200);
    const plans = Array.isArray(body) ? body : body.plans;
    const plan = plans.find((p: { threatId: string }) => p.threatId === threatId);
    expect(plan).toMatchObject({ reviewOverdue: true, actionsPastDue: 2, quiet: true });
    expect(plans[0].threatId).toBe(threatId);
    await as.analyst.get('/views/my-plans').expect(403);
  });
});
