import { randomUUID } from 'node:crypto';
import { CLOCK, type Clock, isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import type request from 'supertest';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type Caller,
  type TestApp,
} from '../../../../test/support/test-app.js';

const DAY = 24 * 3600 * 1000;
/** "Today" for every command: fixed at noon UTC, so a run across midnight changes nothing. */
const TODAY = isoDate(new Date());
const testClock: Clock = { now: () => new Date(`${TODAY}T12:00:00.000Z`) };
const day = (offset: number) =>
  isoDate(new Date(Date.parse(`${TODAY}T12:00:00.000Z`) + offset * DAY));
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The threats context: wired into the standalone application, or (until it is) added here.
 * An unauthenticated command answers 401 on a route that exists, 404 on one that does not.
 */
async function startApp(): Promise<TestApp> {
  return startTestApp({ overrides: [{ provide: CLOCK, useValue: testClock }] });
}

interface StoredEvent {
  event_type: string;
  stream_version: number;
  payload: Record<string, unknown>;
  actor_person_id: string;
}

/** The command routes of threats, plans on a page and 4P actions, over HTTP on real PostgreSQL. */
describe('threat commands over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    durham: `durham-constabulary-${run}`,
    nersou: `nersou-${run}`,
    hartlepool: `hartlepool-bc-${run}`,
    housing: `thirteen-housing-${run}`,
  };
  const person = (organisationId: string, role: Role) =>
    principal(organisationId, [role], `${role}-${organisationId}`);
  const callers = {
    analyst: person(org.cleveland, 'analyst'),
    lro: person(org.cleveland, 'lro'),
    clevelandPartner: person(org.cleveland, 'partner-officer'),
    moderator: person(org.nersou, 'rocta-moderator'),
    councilOfficer: person(org.hartlepool, 'partner-officer'),
    councilAnalyst: person(org.hartlepool, 'analyst'),
    housingOfficer: person(org.housing, 'partner-officer'),
    outsider: person(org.durham, 'analyst'),
    auditor: person(org.nersou, 'auditor'),
  } satisfies Record<string, Caller>;
  type Name = keyof typeof callers;
  const as = {} as Record<Name, AuthenticatedAgent>;
  const lroRef = {
    personId: callers.lro.personId,
    organisationId: org.cleveland,
  };

  const registration = (overrides: Record<string, unknown> = {}) => ({
    ownerOrganisationId: org.cleveland,
    kind: 'ocg',
    codeName: 'OPERATION KESTREL',
    summary: 'County lines supply of crack cocaine into Hartlepool from Merseyside',
    priorityArea: 'county-lines',
    type: 'tactical',
    tier: 2,
    phase: 'active',
    soc: true,
    lro: lroRef,
    sro: null,
    place: null,
    clearHoldBuildPhase: null,
    marking: 'OFFICIAL',
    signposting: false,
    openedOn: day(-60),
    ...overrides,
  });
  const assessment = (overrides: Record<string, unknown> = {}) => ({
    modelVersion: 'MoRiLE 2.1 (Cleveland)',
    scores: {
      harm: 80,
      likelihood: 70,
      confidence: 60,
      capacity: 50,
      capability: 40,
    },
    outputs: { totalScore: 1240, priority: 'high', opportunity: 'medium' },
    assessedOn: day(-5),
    intelligenceDate: day(-10),
    rationale: 'Test purchases and a cuckooed flat confirm the line still runs',
    ...overrides,
  });
  const action = (owner: Caller, overrides: Record<string, unknown> = {}) => ({
    category: 'prevent',
    description: 'Closure order on the cuckooed flat',
    owner: { personId: owner.personId, organisationId: owner.organisationId },
    dueDate: day(30),
    ...overrides,
  });

  const register = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const { body } = await as.analyst.post('/threats').send(registration(overrides)).expect(201);
    return body.threatId as string;
  };
  const share = (threatId: string, ...organisationIds: string[]) =>
    as.analyst.post(`/threats/${threatId}/plan/shares`).send({ organisationIds }).expect(200);
  const propose = async (threatId: string, owner: Caller): Promise<string> => {
    const { body } = await as.lro
      .post(`/threats/${threatId}/actions`)
      .send(action(owner))
      .expect(201);
    return body.actionId as string;
  };
  const eventsOf = async (threatId: string): Promise<StoredEvent[]> => {
    const { rows } = await t.db.pool.query<StoredEvent>(
      `SELECT event_type, stream_version, payload, actor_person_id FROM event_store.events
        WHERE stream_id = $1 ORDER BY stream_version`,
      [`threat:${threatId}`],
    );
    return rows;
  };
  const lastEventOf = async (threatId: string) => (await eventsOf(threatId)).at(-1)!;
  /** Sends requests that must all be refused with `status`, appending nothing. */
  const refused = async (status: number, ...requests: (() => request.Test)[]) => {
    const before = await t.eventCount();
    const bodies = [];
    for (const send of requests) {
      const response = await send();
      expect({ status: response.status, body: response.body }).toMatchObject({
        status,
      });
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      bodies.push(response.body as { type: string; detail: string; errors?: unknown[] });
    }
    expect(await t.eventCount()).toBe(before);
    return bodies;
  };

  beforeAll(async () => {
    t = await startApp();
    for (const name of Object.keys(callers) as Name[]) {
      as[name] = await t.as(callers[name], 'Cleveland MARSOC, December meeting');
    }
  });
  afterAll(() => t?.close());

  describe('the threat', () => {
    it('registers a threat for the caller’s organisation: 201 with a UUID v7 and the stream', async () => {
      const response = await as.analyst.post('/threats').send(registration()).expect(201);
      const { threatId } = response.body;
      expect(threatId).toMatch(UUID_V7);
      expect(response.body).toMatchObject({
        streamId: `threat:${threatId}`,
        streamVersion: 1,
        globalPosition: expect.any(Number),
      });
      const [event] = await eventsOf(threatId);
      expect(event).toMatchObject({
        event_type: 'plans.ThreatRegistered',
        actor_person_id: callers.analyst.personId,
        payload: {
          threatId,
          ownerOrganisationId: org.cleveland,
          kind: 'ocg',
          tier: 2,
          lro: lroRef,
          sro: null,
          openedOn: day(-60),
        },
      });
    });

    it('lets an LRO register too, with defaults: no SRO, no place, opened today', async () => {
      const {
        sro: _sro,
        place: _place,
        clearHoldBuildPhase: _c,
        openedOn: _o,
        ...body
      } = registration({ kind: 'soc-vulnerability' });
      const response = await as.lro
        .post('/threats')
        .send({
          ...body,
          place: 'Dyke House, Hartlepool',
          clearHoldBuildPhase: 'hold',
        })
        .expect(201);
      expect((await lastEventOf(response.body.threatId)).payload).toMatchObject({
        kind: 'soc-vulnerability',
        place: 'Dyke House, Hartlepool',
        clearHoldBuildPhase: 'hold',
        sro: null,
        openedOn: TODAY,
      });
    });

    it('changes tier, phase and LRO, then closes the threat; a closed threat takes no more', async () => {
      const threatId = await register();
      await as.lro
        .post(`/threats/${threatId}/tier`)
        .send({ tier: 1, reason: 'Firearms recovered at a linked address' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ streamVersion: 2 }));
      await as.analyst.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }).expect(200);
      const newLro = {
        personId: `lro-2-${run}`,
        organisationId: org.cleveland,
      };
      const sro = { personId: `sro-${run}`, organisationId: org.cleveland };
      await as.lro.post(`/threats/${threatId}/lro`).send({ lro: newLro, sro }).expect(200);
      await as.analyst
        .post(`/threats/${threatId}/closure`)
        .send({ reason: 'Principals convicted; the group is dismantled' })
        .expect(200)
        .expect((r) => expect(r.body).toMatchObject({ streamVersion: 5 }));
      expect((await eventsOf(threatId)).map((e) => [e.event_type, e.payload])).toEqual([
        ['plans.ThreatRegistered', expect.anything()],
        ['plans.ThreatTierChanged', { threatId, tier: 1, reason: expect.any(String) }],
        ['plans.ThreatPhaseChanged', { threatId, phase: 'pursue' }],
        ['plans.ThreatLroChanged', { threatId, lro: newLro, sro }],
        ['plans.ThreatClosed', { threatId, reason: expect.any(String) }],
      ]);
      const [closed] = await refused(409, () =>
        as.analyst.post(`/threats/${threatId}/phase`).send({ phase: 'active' }),
      );
      expect(closed.type).toBe('/problems/invalid-transition');
    });

    it('answers the same tier with 200 and appends nothing', async () => {
      const threatId = await register();
      const response = await as.analyst
        .post(`/threats/${threatId}/tier`)
        .send({ tier: 2, reason: 'Reviewed: unchanged' })
        .expect(200);
      expect(response.body.streamVersion).toBe(1);
    });
  });

  describe('assessments', () => {
    it('records an assessment (201 with its id), moderates it, and returns a newer one with the reason', async () => {
      const threatId = await register();
      const first = await as.analyst
        .post(`/threats/${threatId}/assessments`)
        .send(assessment())
        .expect(201);
      expect(first.body.assessmentId).toMatch(UUID_V7);
      expect(first.body.streamVersion).toBe(2);
      expect((await lastEventOf(threatId)).payload).toEqual({
        threatId,
        assessmentId: first.body.assessmentId,
        ...assessment(),
      });
      await as.moderator
        .post(`/threats/${threatId}/assessments/${first.body.assessmentId}/moderation`)
        .send({
          decision: 'moderated',
          note: 'Consistent with the regional scoring',
        })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'plans.ThreatAssessmentModerated',
        payload: { assessmentId: first.body.assessmentId },
      });

      const second = await as.lro
        .post(`/threats/${threatId}/assessments`)
        .send(assessment({ intelligenceDate: day(-400) }))
        .expect(201);
      await as.moderator
        .post(`/threats/${threatId}/assessments/${second.body.assessmentId}/moderation`)
        .send({
          decision: 'returned',
          note: '  Harm rests on intelligence over a year old  ',
        })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'plans.ThreatAssessmentReturned',
        payload: {
          assessmentId: second.body.assessmentId,
          reason: 'Harm rests on intelligence over a year old',
        },
      });

      await refused(
        409,
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${second.body.assessmentId}/moderation`)
            .send({ decision: 'moderated', note: 'again' }),
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${first.body.assessmentId}/moderation`)
            .send({ decision: 'moderated', note: 'the older one' }),
      );
      await refused(404, () =>
        as.moderator
          .post(`/threats/${threatId}/assessments/${randomUUID()}/moderation`)
          .send({ decision: 'moderated', note: '' }),
      );
    });

    it('refuses a return without a reason, an assessment dated in the future or resting on later intelligence', async () => {
      const threatId = await register();
      const { body } = await as.analyst
        .post(`/threats/${threatId}/assessments`)
        .send(assessment())
        .expect(201);
      const [noReason] = await refused(
        400,
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${body.assessmentId}/moderation`)
            .send({ decision: 'returned', note: ' no ' }),
        () =>
          as.moderator
            .post(`/threats/${threatId}/assessments/${body.assessmentId}/moderation`)
            .send({ decision: 'rejected', note: 'not a decision we know' }),
      );
      expect(noReason.errors).toEqual([
        expect.objectContaining({
          field: 'note',
          message: expect.stringMatching(/reason/),
        }),
      ]);
      await refused(
        422,
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments`)
            .send(assessment({ assessedOn: day(1), intelligenceDate: day(-1) })),
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments`)
            .send(assessment({ assessedOn: day(-5), intelligenceDate: day(-4) })),
      );
      await refused(
        400,
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              scores: {
                harm: 1001,
                likelihood: 1,
                confidence: 1,
                capacity: 1,
                capability: 1,
              },
            }),
          ),
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              outputs: {
                totalScore: 10,
                priority: 'urgent',
                opportunity: 'low',
              },
            }),
          ),
        () =>
          as.analyst.post(`/threats/${threatId}/assessments`).send(
            assessment({
              scores: { harm: 1, likelihood: 1, confidence: 1, capacity: 1 },
            }),
          ),
      );
    });
  });

  describe('the plan on a page', () => {
    it('updates and reviews the plan, shares and unshares it', async () => {
      const threatId = await register();
      await as.analyst
        .put(`/threats/${threatId}/plan`)
        .send({
          criminalActivity: 'Street supply of class A drugs; children exploited as runners',
          placesAffected: ['Hartlepool town centre', 'Dyke House'],
          risks: ['Withdrawal of the task team in January'],
          reviewDate: day(20),
        })
        .expect(200);
      await as.lro
        .post(`/threats/${threatId}/plan/reviews`)
        .send({ nextReviewDate: day(28), note: 'Actions on track' })
        .expect(200);
      await share(threatId, org.hartlepool, org.housing);
      await as.lro.delete(`/threats/${threatId}/plan/shares/${org.housing}`).expect(200);
      expect((await eventsOf(threatId)).slice(1).map((e) => [e.event_type, e.payload])).toEqual([
        [
          'plans.PlanUpdated',
          {
            threatId,
            criminalActivity: expect.any(String),
            placesAffected: ['Hartlepool town centre', 'Dyke House'],
            risks: ['Withdrawal of the task team in January'],
            reviewDate: day(20),
          },
        ],
        [
          'plans.PlanReviewed',
          {
            threatId,
            reviewedOn: TODAY,
            nextReviewDate: day(28),
            note: 'Actions on track',
          },
        ],
        ['plans.PlanShared', { threatId, organisationIds: [org.hartlepool, org.housing] }],
        ['plans.PlanUnshared', { threatId, organisationIds: [org.housing] }],
      ]);
      await refused(
        422,
        () =>
          as.lro.post(`/threats/${threatId}/plan/reviews`).send({
            nextReviewDate: TODAY,
            note: 'next review must be after today',
          }),
        () =>
          as.analyst.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'x',
            placesAffected: [],
            risks: [],
            reviewDate: day(-61),
          }),
        () =>
          as.analyst
            .post(`/threats/${threatId}/plan/shares`)
            .send({ organisationIds: [org.cleveland] }),
      );
    });

    it('seals the name of a person put on the plan and logs the collection with its purpose', async () => {
      const threatId = await register();
      const added = await as.analyst
        .post(`/threats/${threatId}/plan/people`)
        .send({ name: 'Jordan Example', role: 'principal' })
        .expect(201);
      const { involvementId } = added.body;
      expect(involvementId).toMatch(UUID_V7);
      const event = await lastEventOf(threatId);
      expect(event.event_type).toBe('plans.PlanPersonAdded');
      expect(JSON.stringify(event.payload)).not.toContain('Jordan');
      const subjectId = event.payload.subjectId as string;
      expect(subjectId).toMatch(/^subject:[0-9a-f-]{36}$/);
      expect(event.payload).toMatchObject({
        involvementId,
        role: 'principal',
        name: { $personal: 1, subject: subjectId },
      });

      // Without X-Purpose: the default purpose.
      const token = await t.tokenFor(callers.lro);
      const second = await t
        .http()
        .post(`/threats/${threatId}/plan/people`)
        .set('authorization', `Bearer ${token}`)
        .send({ name: 'Casey Example', role: 'associate' })
        .expect(201);
      const secondSubject = (await lastEventOf(threatId)).payload.subjectId as string;

      const { rows } = await t.db.pool.query(
        `SELECT operation, record_type, record_id, subject_ids, purpose, person_id
           FROM security.personal_data_access_log
          WHERE subject_ids && $1::text[] ORDER BY id`,
        [[subjectId, secondSubject]],
      );
      expect(rows).toEqual([
        {
          operation: 'collection',
          record_type: 'plan',
          record_id: threatId,
          subject_ids: [subjectId],
          purpose: 'Cleveland MARSOC, December meeting',
          person_id: callers.analyst.personId,
        },
        expect.objectContaining({
          subject_ids: [secondSubject],
          purpose: 'recorded on the plan on a page',
          person_id: callers.lro.personId,
        }),
      ]);

      await as.analyst
        .post(`/threats/${threatId}/plan/people/${second.body.involvementId}/removal`)
        .send({ reason: 'Identified in error: not linked to the group' })
        .expect(200);
      expect(await lastEventOf(threatId)).toMatchObject({
        event_type: 'plans.PlanPersonRemoved',
        payload: { involvementId: second.body.involvementId },
      });
      await refused(404, () =>
        as.analyst
          .post(`/threats/${threatId}/plan/people/${second.body.involvementId}/removal`)
          .send({ reason: 'Removed twice by mistake' }),
      );
      await refused(400, () =>
        t
          .http()
          .post(`/threats/${threatId}/plan/people`)
          .set('authorization', `Bearer ${token}`)
          .set('x-purpose', 'x')
          .send({ name: 'Casey Example', role: 'associate' }),
      );
    });
  });

  describe('4P actions', () => {
    it('takes an action through its life: proposed, agreed, started, progress, done; another cancelled', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      const actionId = await propose(threatId, callers.councilOfficer);
      expect(actionId).toMatch(UUID_V7);
      await as.lro.post(`/threats/${threatId}/actions/${actionId}/agreement`).expect(200);
      await as.councilOfficer.post(`/threats/${threatId}/actions/${actionId}/start`).expect(200);
      await as.councilOfficer
        .post(`/threats/${threatId}/actions/${actionId}/progress`)
        .send({ note: 'Closure notice served; court date set' })
        .expect(200);
      await as.councilOfficer
        .post(`/threats/${threatId}/actions/${actionId}/completion`)
        .send({ outcome: 'Closure order granted for three months' })
        .expect(200);
      const other = await propose(threatId, callers.lro);
      await as.analyst
        .post(`/threats/${threatId}/actions/${other}/cancellation`)
        .send({ reason: 'Not possible, circumstances changed' })
        .expect(200);
      expect((await eventsOf(threatId)).slice(2).map((e) => [e.event_type, e.payload])).toEqual([
        [
          'plans.ActionProposed',
          {
            threatId,
            actionId,
            category: 'prevent',
            description: 'Closure order on the cuckooed flat',
            owner: {
              personId: callers.councilOfficer.personId,
              organisationId: org.hartlepool,
            },
            dueDate: day(30),
          },
        ],
        ['plans.ActionAgreed', { threatId, actionId }],
        ['plans.ActionStarted', { threatId, actionId }],
        [
          'plans.ActionProgressRecorded',
          {
            threatId,
            actionId,
            note: 'Closure notice served; court date set',
            on: TODAY,
          },
        ],
        [
          'plans.ActionCompleted',
          {
            threatId,
            actionId,
            outcome: 'Closure order granted for three months',
          },
        ],
        ['plans.ActionProposed', expect.objectContaining({ actionId: other })],
        [
          'plans.ActionCancelled',
          {
            threatId,
            actionId: other,
            reason: 'Not possible, circumstances changed',
          },
        ],
      ]);

      const [cancelled] = await refused(409, () =>
        as.analyst
          .post(`/threats/${threatId}/actions/${other}/completion`)
          .send({ outcome: 'Done after all' }),
      );
      expect(cancelled).toMatchObject({ type: '/problems/invalid-transition' });
      await refused(409, () => as.lro.post(`/threats/${threatId}/actions/${actionId}/start`));
    });

    it('refuses an owner whose organisation does not share the plan, and a due date before the plan began (422)', async () => {
      const threatId = await register();
      const [notShared, early] = await refused(
        422,
        () => as.lro.post(`/threats/${threatId}/actions`).send(action(callers.housingOfficer)),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { dueDate: day(-61) })),
      );
      expect(notShared).toMatchObject({ type: '/problems/rule-violation' });
      expect(notShared.detail).toContain(org.housing);
      expect(early.detail).toMatch(/before the plan began/);
    });

    it('lets a partner officer update only its own organisation’s actions', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool, org.housing);
      const councils = await propose(threatId, callers.councilOfficer);
      const housings = await propose(threatId, callers.housingOfficer);
      const forces = await propose(threatId, callers.lro);
      for (const id of [councils, housings, forces]) {
        await as.lro.post(`/threats/${threatId}/actions/${id}/agreement`).expect(200);
      }
      await as.housingOfficer.post(`/threats/${threatId}/actions/${housings}/start`).expect(200);
      const bodies = await refused(
        403,
        () => as.councilOfficer.post(`/threats/${threatId}/actions/${housings}/start`),
        () =>
          as.councilOfficer
            .post(`/threats/${threatId}/actions/${forces}/progress`)
            .send({ note: 'not ours to post' }),
        // Of the owner organisation, but a partner officer may update only its own actions.
        () => as.clevelandPartner.post(`/threats/${threatId}/actions/${councils}/start`),
      );
      expect(bodies.map((b) => b.type)).toEqual(Array(3).fill('/problems/access-denied'));
      // Another force, not party to the plan: it may not learn the threat exists.
      const [hidden] = await refused(404, () =>
        as.outsider.post(`/threats/${threatId}/actions/${councils}/start`),
      );
      expect(hidden.detail).toBe(`No threat ${threatId}`);
      const [missing] = await refused(404, () =>
        as.councilOfficer.post(`/threats/${threatId}/actions/${randomUUID()}/start`),
      );
      expect(missing.detail).toMatch(/^No action/);
    });

    it('keeps a partner that owns open actions on the plan (422 on unshare)', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      await propose(threatId, callers.councilOfficer);
      await refused(422, () =>
        as.analyst.delete(`/threats/${threatId}/plan/shares/${org.hartlepool}`),
      );
    });
  });

  describe('need to know', () => {
    it('refuses roles without the permission (403, nothing appended)', async () => {
      const threatId = await register();
      await refused(
        403,
        () => as.auditor.post('/threats').send(registration()),
        () =>
          as.clevelandPartner
            .post(`/threats/${threatId}/tier`)
            .send({ tier: 1, reason: 'no role' }),
        () => as.moderator.post(`/threats/${threatId}/assessments`).send(assessment()),
        () =>
          as.analyst
            .post(`/threats/${threatId}/assessments/${randomUUID()}/moderation`)
            .send({ decision: 'moderated', note: '' }),
        () =>
          as.councilOfficer.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'a partner officer may not edit the plan',
            placesAffected: [],
            risks: [],
            reviewDate: day(10),
          }),
      );
    });

    it('refuses to register a threat for another organisation (403)', async () => {
      const [body] = await refused(403, () =>
        as.analyst.post('/threats').send(registration({ ownerOrganisationId: org.durham })),
      );
      expect(body.type).toBe('/problems/access-denied');
    });

    it('hides another organisation’s threat behind 404, as if it did not exist', async () => {
      const threatId = await register();
      const unknown = randomUUID();
      const bodies = await refused(
        404,
        () =>
          as.outsider.post(`/threats/${threatId}/tier`).send({ tier: 1, reason: 'guessing ids' }),
        () => as.outsider.post(`/threats/${threatId}/assessments`).send(assessment()),
        () => as.outsider.post(`/threats/${threatId}/actions`).send(action(callers.outsider)),
        () =>
          as.outsider.post(`/threats/${unknown}/tier`).send({ tier: 1, reason: 'guessing ids' }),
      );
      expect(bodies[0]).toMatchObject({
        type: '/problems/not-found',
        detail: `No threat ${threatId}`,
      });
      expect(bodies[3]).toMatchObject({
        type: '/problems/not-found',
        detail: `No threat ${unknown}`,
      });
    });

    it('signposts a threat whose owner allows it to another force (403 naming the holder)', async () => {
      const threatId = await register({ signposting: true });
      const [signposted] = await refused(403, () =>
        as.outsider.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }),
      );
      expect(signposted).toMatchObject({
        type: '/problems/signposted',
        holderOrganisationId: org.cleveland,
      });
      expect(JSON.stringify(signposted)).not.toContain('KESTREL');
    });

    it('refuses edits by an organisation the plan is shared with (403: it knows the threat)', async () => {
      const threatId = await register();
      await share(threatId, org.hartlepool);
      const bodies = await refused(
        403,
        () =>
          as.councilAnalyst.put(`/threats/${threatId}/plan`).send({
            criminalActivity: 'rewritten by a partner',
            placesAffected: [],
            risks: [],
            reviewDate: day(10),
          }),
        () =>
          as.councilAnalyst
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.councilOfficer)),
        () =>
          as.councilAnalyst
            .post(`/threats/${threatId}/tier`)
            .send({ tier: 1, reason: 'a partner re-tiering' }),
      );
      expect(bodies.map((b) => b.type)).toEqual(Array(3).fill('/problems/access-denied'));
    });

    it('lets the LRO’s organisation, a party to the threat, update it', async () => {
      const threatId = await register({
        lro: { personId: `lro-${org.nersou}`, organisationId: org.nersou },
      });
      const nersouLro = await t.as(person(org.nersou, 'lro'));
      await nersouLro.post(`/threats/${threatId}/phase`).send({ phase: 'pursue' }).expect(200);
    });
  });

  describe('validation', () => {
    it('refuses malformed bodies and paths (400), appending nothing', async () => {
      const threatId = await register();
      const bodies = await refused(
        400,
        () => as.analyst.post('/threats').send({ ...registration(), rogue: true }),
        () => as.analyst.post('/threats').send(registration({ tier: '2' })),
        () => as.analyst.post('/threats').send(registration({ tier: 6 })),
        () => as.analyst.post('/threats').send(registration({ openedOn: '2026-02-30' })),
        () => as.analyst.post('/threats').send(registration({ openedOn: '2026-1-5' })),
        () => as.analyst.post('/threats').send(registration({ openedOn: `${day(-60)}T00:00:00Z` })),
        () => as.analyst.post('/threats').send(registration({ priorityArea: 'littering' })),
        () => as.analyst.post('/threats').send(registration({ phase: 'Not A Slug!' })),
        () => as.analyst.post('/threats').send(registration({ codeName: 'K'.repeat(101) })),
        () =>
          as.analyst.post('/threats').send(
            registration({
              lro: {
                personId: 'x-1',
                organisationId: org.cleveland,
                extra: 1,
              },
            }),
          ),
        () => as.analyst.post('/threats').send(registration({ lro: 'lro-1' })),
        () =>
          as.analyst.post(`/threats/not-a-uuid/tier`).send({ tier: 1, reason: 'a valid reason' }),
        () => as.analyst.post(`/threats/${threatId}/plan/shares`).send({ organisationIds: [] }),
        () =>
          as.analyst.post(`/threats/${threatId}/plan/shares`).send({
            organisationIds: Array.from({ length: 101 }, (_, i) => `org-${i}`),
          }),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { dueDate: '31/12/2026' })),
        () =>
          as.lro
            .post(`/threats/${threatId}/actions`)
            .send(action(callers.lro, { category: 'punish' })),
        () => as.analyst.delete(`/threats/${threatId}/plan/shares/Not%20A%20Slug`),
      );
      expect(bodies.every((b) => b.type === '/problems/validation')).toBe(true);
      expect(bodies[0].errors).toEqual([
        expect.objectContaining({
          field: 'rogue',
          message: 'property rogue should not exist',
        }),
      ]);
    });
  });

  describe('If-Match', () => {
    it('applies a command at the version the caller saw, and refuses a stale or malformed one', async () => {
      const threatId = await register();
      await as.analyst
        .post(`/threats/${threatId}/tier`)
        .set('if-match', '1')
        .send({ tier: 3, reason: 'Re-scored at the tasking meeting' })
        .expect(200)
        .expect((r) => expect(r.body.streamVersion).toBe(2));
      const [stale] = await refused(409, () =>
        as.lro
          .post(`/threats/${threatId}/tier`)
          .set('if-match', '1')
          .send({ tier: 1, reason: 'Based on what I saw before the change' }),
      );
      expect(stale).toMatchObject({
        type: '/problems/version-conflict',
        currentVersion: 2,
      });
      await refused(
        400,
        () =>
          as.lro
            .post(`/threats/${threatId}/tier`)
            .set('if-match', 'latest')
            .send({ tier: 1, reason: 'Not a version at all' }),
        () =>
          as.lro.post(`/threats/${threatId}/phase`).set('if-match', '-1').send({ phase: 'pursue' }),
      );
      await as.lro
        .post(`/threats/${threatId}/phase`)
        .set('if-match', '"2"')
        .send({ phase: 'pursue' })
        .expect(200);
    });

    it('answers a stale If-Match on an action 409 too, appending nothing', async () => {
      const threatId = await register();
      const actionId = await propose(threatId, callers.lro);
      await refused(409, () =>
        as.lro.post(`/threats/${threatId}/actions/${actionId}/agreement`).set('if-match', '1'),
      );
      await as.lro
        .post(`/threats/${threatId}/actions/${actionId}/agreement`)
        .set('if-match', '2')
        .expect(200);
    });
  });

  it('documents every command route under the threats tag, with its permission and examples', async () => {
    const { body } = await t.http().get('/docs/openapi.json').expect(200);
    const operations = Object.entries(
      body.paths as Record<string, Record<string, { tags?: string[]; responses: object }>>,
    )
      .filter(([path]) => path.startsWith('/threats'))
      .flatMap(([path, verbs]) =>
        Object.entries(verbs).map(([verb, operation]) => ({
          route: `${verb} ${path}`,
          operation,
        })),
      )
      .filter(({ operation }) => operation.tags?.includes('threats') && 'responses' in operation);
    const commands = operations.filter(({ route }) => !route.startsWith('get '));
    expect(commands.map(({ route }) => route).sort()).toEqual(
      [
        'post /threats',
        'post /threats/{threatId}/tier',
        'post /threats/{threatId}/phase',
        'post /threats/{threatId}/lro',
        'post /threats/{threatId}/closure',
        'post /threats/{threatId}/assessments',
        'post /threats/{threatId}/assessments/{assessmentId}/moderation',
        'put /threats/{threatId}/plan',
        'post /threats/{threatId}/plan/reviews',
        'post /threats/{threatId}/plan/shares',
        'delete /threats/{threatId}/plan/shares/{organisationId}',
        'post /threats/{threatId}/plan/people',
        'post /threats/{threatId}/plan/people/{involvementId}/removal',
        'post /threats/{threatId}/actions',
        'post /threats/{threatId}/actions/{actionId}/agreement',
        'post /threats/{threatId}/actions/{actionId}/start',
        'post /threats/{threatId}/actions/{actionId}/completion',
        'post /threats/{threatId}/actions/{actionId}/cancellation',
        'post /threats/{threatId}/actions/{actionId}/progress',
      ].sort(),
    );
    for (const { operation } of commands) {
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['400', '401', '403', '404', '409']),
      );
    }
    const schemas = body.components.schemas as Record<
      string,
      {
        properties: Record<string, { example?: unknown; $ref?: string; allOf?: unknown }>;
      }
    >;
    for (const name of ['RegisterThreatBody', 'RecordAssessmentBody', 'ProposeActionBody']) {
      for (const [field, property] of Object.entries(schemas[name].properties)) {
        const documented = property.example !== undefined || property.$ref || property.allOf;
        expect({ name, field, documented: Boolean(documented) }).toEqual({
          name,
          field,
          documented: true,
        });
      }
    }
  });
});
