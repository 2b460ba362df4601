import { randomUUID } from 'node:crypto';
import { isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import { expectRefusedWithoutAppending, storedEvents } from '@soc/testing';
import type { Response } from 'supertest';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from '../../../test/support/test-app.js';

const DAY = 86_400_000;
export const day = (offset: number) => isoDate(new Date(Date.now() + offset * DAY));

/** The body of a MoRiLE assessment with this total, assessed (and its intelligence dated) on a day. */
export const assessmentBody = (totalScore: number, assessedOn: string) => ({
  modelVersion: 'MoRiLE 2.1',
  scores: { harm: 10, likelihood: 10, confidence: 10, capacity: 10, capability: 10 },
  outputs: { totalScore, priority: 'medium', opportunity: 'low' },
  assessedOn,
  intelligenceDate: assessedOn,
  rationale: 'Scored for a meeting',
});

export type StoredEvent = Awaited<ReturnType<typeof storedEvents>>[number];

/**
 * Meetings over HTTP on real PostgreSQL: registers the `beforeAll` that starts the app and signs
 * in the callers, and the `afterAll` that closes it. A chair of Cleveland Police runs meetings
 * to which the council and a housing association are invited; Durham is invited to none.
 */
export function meetingsHarness() {
  let app: TestApp | undefined;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    council: `hartlepool-bc-${run}`,
    housing: `thirteen-housing-${run}`,
    durham: `durham-constabulary-${run}`,
  };
  const chairRef = { personId: `chair-${run}`, organisationId: org.cleveland };
  const callers = {
    chair: principal(org.cleveland, ['meeting-chair'], chairRef.personId),
    lro: principal(org.cleveland, ['lro']),
    councilOfficer: principal(org.council, ['partner-officer']),
    councilChair: principal(org.council, ['meeting-chair']),
    housingOfficer: principal(org.housing, ['partner-officer']),
    outsider: principal(org.durham, ['partner-officer']),
    otherChair: principal(org.durham, ['meeting-chair']),
    auditor: principal(org.cleveland, ['auditor'] as Role[]),
  };
  const as = {} as Record<keyof typeof callers, AuthenticatedAgent>;
  const t = (): TestApp => {
    if (!app) throw new Error('The meetings test app is used before it has started');
    return app;
  };

  beforeAll(async () => {
    app = await startTestApp();
    for (const [name, caller] of Object.entries(callers)) {
      as[name as keyof typeof callers] = await app.as(caller);
    }
  });
  afterAll(() => app?.close());

  const schedule = async (overrides: Record<string, unknown> = {}) => {
    const { body } = await as.chair
      .post('/meetings')
      .send({
        kind: 'marsoc',
        title: 'Cleveland MARSOC, January',
        chair: chairRef,
        heldOn: day(7),
        place: 'Middlesbrough, Ladgate Lane',
        invitedOrganisationIds: [org.council, org.housing],
        confidentialityStatement: 'Shared for the purposes of this meeting only',
        ...overrides,
      })
      .expect(201);
    return body.meetingId as string;
  };

  /** A meeting with a threat of Cleveland's on its agenda, and the position that reached. */
  const meetingWithThreat = async (overrides: Record<string, unknown> = {}) => {
    const meetingId = await schedule(overrides);
    const threatId = randomUUID();
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/agenda`)
      .send({ threatId, ownerOrganisationId: org.cleveland })
      .expect(200);
    return { meetingId, threatId, globalPosition: body.globalPosition as number };
  };

  /** A threat registered by an analyst of `owner`, once the meetings projection knows it. */
  const registerThreat = async (owner: string, overrides: Record<string, unknown> = {}) => {
    const analyst = await t().as(principal(owner, ['analyst']));
    const { body } = await analyst
      .post('/threats')
      .send({
        ownerOrganisationId: owner,
        kind: 'ocg',
        codeName: `OPERATION ${randomUUID().slice(0, 8).toUpperCase()}`,
        summary: 'County lines supply into Hartlepool',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: `lro-${owner}`, organisationId: owner },
        marking: 'OFFICIAL',
        signposting: false,
        openedOn: day(-100),
        registeredOn: day(-100),
        ...overrides,
      })
      .expect(201);
    await meetingsReached(body.globalPosition);
    return { threatId: body.threatId as string, analyst };
  };

  /**
   * A plan of Cleveland's, shared from its first day with the organisations that will own its
   * actions. A plan's facts must come in date order: its actions are added oldest first.
   */
  const sharedPlan = async (codeName: string, owners: string[]) => {
    const plan = await registerThreat(org.cleveland, { codeName });
    await plan.analyst
      .post(`/threats/${plan.threatId}/plan/shares`)
      .send({ organisationIds: owners, sharedOn: day(-100) })
      .expect(200);
    return { ...plan, codeName };
  };

  /** A 4P action of a plan, owned by an officer of `owner`, proposed and agreed on `agreedOn`. */
  const planAction = async (
    plan: { threatId: string; analyst: AuthenticatedAgent },
    owner: string,
    body: { description: string; dueDate: string; proposedOn?: string },
    agreedOn: string | null,
  ) => {
    const path = `/threats/${plan.threatId}/actions`;
    const proposed = await plan.analyst
      .post(path)
      .send({
        category: 'prevent',
        owner: { personId: `officer-${owner}`, organisationId: owner },
        proposedOn: agreedOn ?? day(0),
        ...body,
      })
      .expect(201);
    const actionId = proposed.body.actionId as string;
    if (agreedOn === null)
      return { actionId, globalPosition: proposed.body.globalPosition as number };
    const agreed = await plan.analyst
      .post(`${path}/${actionId}/agreement`)
      .send({ agreedOn })
      .expect(200);
    return { actionId, globalPosition: agreed.body.globalPosition as number };
  };

  /** Waits until the meetings projection has applied everything up to `position`. */
  const meetingsReached = async (position: number) => {
    await as.councilOfficer.get('/views/my-actions').query({ minPosition: position }).expect(200);
  };

  const actionBody = (threatId: string, overrides: Record<string, unknown> = {}) => ({
    threatId,
    category: 'protect',
    description: 'Safeguarding visit to the two juveniles seen at Oxford Road',
    leadOrganisationId: org.council,
    supportingOrganisationIds: [org.housing],
    pointOfContact: { personId: `council-officer-${run}`, organisationId: org.council },
    dueDate: day(40),
    ...overrides,
  });

  /** An action the council leads, agreed at a meeting of Cleveland's. */
  const agreedAction = async (overrides: Record<string, unknown> = {}) => {
    const { meetingId, threatId } = await meetingWithThreat(overrides);
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/actions`)
      .send(actionBody(threatId))
      .expect(201);
    return { meetingId, threatId, actionId: body.actionId as string };
  };

  const events = (streamId: string) => storedEvents(t().db.pool, streamId);

  /** Sends each refusal in turn and checks it is a problem document that appended nothing. */
  const refused = (...attempts: [() => Promise<Response>, number][]) =>
    expectRefusedWithoutAppending(() => t().eventCount(), attempts);

  return {
    t,
    org,
    as,
    chairRef,
    schedule,
    meetingWithThreat,
    actionBody,
    agreedAction,
    registerThreat,
    sharedPlan,
    planAction,
    meetingsReached,
    events,
    refused,
  };
}
