import { PersonalDataAccessLog, type Role, ScopedReader } from '@soc/security';
import { principal } from '../../../../test/support/test-app.js';
import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

type Agent = ReturnType<typeof meetingsHarness>['as']['chair'];

/** "My actions" as the agent reads them once the view has reached `minPosition`. */
const myActions = async (agent: Agent, minPosition: number, query: Record<string, string>) =>
  (
    await agent
      .get('/views/my-actions')
      .query({ minPosition, ...query })
      .expect(200)
  ).body;
const names = (body: { actions: { description: string }[] }) =>
  body.actions.map((a) => a.description);

describe('my organisation’s actions, over HTTP (real PostgreSQL)', () => {
  const { as, org, meetingWithThreat, actionBody } = meetingsHarness();
  let minPosition = 0;
  const ids: Record<string, string> = {};

  /** Remembers the position a command reached, for read-your-writes. */
  const reached = <T extends { globalPosition: number }>(body: T): T => {
    minPosition = Math.max(minPosition, body.globalPosition);
    return body;
  };

  beforeAll(async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-60) });
    const agree = async (name: string, overrides: Record<string, unknown>) => {
      const { body } = await as.chair
        .post(`/meetings/${meetingId}/actions`)
        .send(actionBody(threatId, { description: name, ...overrides }))
        .expect(201);
      ids[name] = reached(body).actionId;
    };
    const housingLeads = {
      leadOrganisationId: org.housing,
      supportingOrganisationIds: [org.council],
      pointOfContact: { personId: 'housing-officer-1', organisationId: org.housing },
    };
    await agree('overdue', { dueDate: day(-30) });
    await agree('started', { dueDate: day(-10), supportingOrganisationIds: [] });
    await agree('supported', { dueDate: day(20), ...housingLeads });
    await agree('completed', { dueDate: day(-20) });
    await agree('changed', { dueDate: day(-5) });
    await agree('not-acted', { dueDate: day(-40), ...housingLeads, supportingOrganisationIds: [] });
    await agree('extended', { dueDate: day(10) });

    const post = async (agent: typeof as.chair, path: string, body: object, status = 200) =>
      reached((await agent.post(path).send(body).expect(status)).body);
    await post(as.councilOfficer, `/actions/${ids.started}/progress`, { note: 'Visit booked' });
    await post(as.councilOfficer, `/actions/${ids.completed}/completion`, { outcome: 'Both seen' });
    await post(as.councilOfficer, `/actions/${ids.changed}/closure`, {
      reason: 'circumstances-changed',
      explanation: 'The family moved away',
    });
    await post(as.housingOfficer, `/actions/${ids['not-acted']}/closure`, {
      reason: 'agency-did-not-act',
      explanation: 'No officer was free',
    });
    const request = (dueDate: string) =>
      post(
        as.councilOfficer,
        `/actions/${ids.extended}/due-date-requests`,
        { dueDate, reason: 'The family is away until then' },
        201,
      );
    const { requestId } = await request(day(60));
    await post(as.chair, `/actions/${ids.extended}/due-date-requests/${requestId}/decision`, {
      decision: 'granted',
    });
    ids.pending = (await request(day(90))).requestId;
  });

  const view = (agent: Agent, query: Record<string, string> = {}) =>
    myActions(agent, minPosition, query);

  it('lists the actions the council leads or supports, overdue first, then by due date', async () => {
    const body = await view(as.councilOfficer);
    expect(body).toMatchObject({ asOf: day(0), organisationId: org.council });
    expect(names(body)).toEqual([
      'overdue',
      'started',
      'completed',
      'changed',
      'supported',
      'extended',
    ]);
    const [overdue, started, completed, changed, supported, extended] = body.actions;
    expect(overdue).toMatchObject({
      actionId: ids.overdue,
      meeting: { kind: 'marsoc', title: 'Cleveland MARSOC, January', heldOn: day(-60) },
      category: 'protect',
      role: 'lead',
      leadOrganisationId: org.council,
      supportingOrganisationIds: [org.housing],
      dueDate: day(-30),
      agreedOn: day(-60),
      status: 'agreed',
      overdue: true,
      lastProgress: null,
      closure: null,
    });
    expect(started).toMatchObject({
      status: 'in-progress',
      overdue: true,
      lastProgress: { on: day(0), note: 'Visit booked' },
    });
    expect(completed).toMatchObject({
      status: 'completed',
      overdue: false,
      completion: { on: day(0), outcome: 'Both seen' },
    });
    expect(changed).toMatchObject({
      status: 'closed',
      overdue: false,
      closure: { reason: 'circumstances-changed', explanation: 'The family moved away' },
    });
    expect(supported).toMatchObject({ role: 'supporting', leadOrganisationId: org.housing });
    expect(extended).toMatchObject({
      dueDate: day(60),
      agreedDueDate: day(10),
      overdue: false,
      pendingDueDateRequest: { requestId: ids.pending, dueDate: day(90), requestedOn: day(0) },
    });
    expect(body.counts).toEqual({
      overdue: 2,
      incomplete: 4,
      completed: 1,
      closedCircumstancesChanged: 1,
      closedAgencyDidNotAct: 0,
    });
  });

  it('shows the housing association its own, with the other reason class kept apart', async () => {
    const body = await view(as.housingOfficer);
    // It supports most of the council's actions (not the one the council alone takes on).
    expect(names(body)).toEqual([
      'overdue',
      'not-acted',
      'completed',
      'changed',
      'supported',
      'extended',
    ]);
    expect(body.actions.map((a: { role: string }) => a.role)).toEqual([
      'supporting',
      'lead',
      'supporting',
      'supporting',
      'lead',
      'supporting',
    ]);
    expect(body.actions[1]).toMatchObject({
      role: 'lead',
      status: 'closed',
      overdue: false,
      closure: { reason: 'agency-did-not-act' },
    });
    expect(body.counts).toMatchObject({ closedCircumstancesChanged: 1, closedAgencyDidNotAct: 1 });
  });

  it('shows no other organisation’s actions, even to the chair’s organisation', async () => {
    expect((await view(as.outsider)).actions).toEqual([]);
    expect((await view(as.lro)).actions).toEqual([]);
    await as.councilChair.get('/views/my-actions').expect(403);
  });

  it('stands on the business date asked for: status, due date and overdue as they were then', async () => {
    const body = await view(as.councilOfficer, { asOf: day(-15) });
    expect(body.asOf).toBe(day(-15));
    expect(names(body)).toEqual([
      'overdue',
      'completed',
      'started',
      'changed',
      'extended',
      'supported',
    ]);
    expect(body.actions.map((a: { status: string }) => a.status)).toEqual([
      'agreed',
      'agreed',
      'agreed',
      'agreed',
      'agreed',
      'agreed',
    ]);
    expect(body.actions[4]).toMatchObject({ dueDate: day(10), pendingDueDateRequest: null });
    expect(body.counts).toMatchObject({ overdue: 2, incomplete: 6, completed: 0 });
    expect((await view(as.councilOfficer, { asOf: day(-61) })).actions).toEqual([]);
  });

  it('filters by status and by the organisation’s role', async () => {
    expect(names(await view(as.councilOfficer, { status: 'closed' }))).toEqual(['changed']);
    expect(names(await view(as.councilOfficer, { status: 'in-progress' }))).toEqual(['started']);
    expect(names(await view(as.councilOfficer, { role: 'supporting' }))).toEqual(['supported']);
    expect(names(await view(as.housingOfficer, { role: 'lead', status: 'closed' }))).toEqual([
      'not-acted',
    ]);
  });

  it('refuses malformed dates, unknown values and unknown fields with problem documents', async () => {
    for (const query of [
      { asOf: '2025-02-30' },
      { asOf: 'yesterday' },
      { status: 'done' },
      { role: 'owner' },
      { organisationId: org.housing },
      { minPosition: '-1' },
    ]) {
      const answer = await as.councilOfficer.get('/views/my-actions').query(query);
      expect({ status: answer.status, query }).toEqual({ status: 400, query });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('my organisation’s plan actions beside its partner actions, over HTTP (real PostgreSQL)', () => {
  const { t, as, org, meetingWithThreat, actionBody, sharedPlan, planAction } = meetingsHarness();
  let minPosition = 0;
  const ids: Record<string, string> = {};
  const CODE_NAME = `OPERATION ${org.council.slice(-6).toUpperCase()}`;
  let threatId = '';

  beforeAll(async () => {
    const meeting = await meetingWithThreat({ heldOn: day(-60) });
    const agree = async (name: string, overrides: Record<string, unknown>) => {
      const { body } = await as.chair
        .post(`/meetings/${meeting.meetingId}/actions`)
        .send(
          actionBody(meeting.threatId, {
            description: name,
            supportingOrganisationIds: [],
            ...overrides,
          }),
        )
        .expect(201);
      ids[name] = body.actionId;
      minPosition = Math.max(minPosition, body.globalPosition);
    };
    await agree('meeting overdue', { dueDate: day(-30) });
    await agree('meeting later', { dueDate: day(20) });
    await agree('meeting supported', {
      dueDate: day(40),
      leadOrganisationId: org.housing,
      supportingOrganisationIds: [org.council],
      pointOfContact: { personId: 'housing-officer-1', organisationId: org.housing },
    });

    const plan = await sharedPlan(CODE_NAME, [org.council, org.housing]);
    threatId = plan.threatId;
    const add = async (name: string, owner: string, dueDate: string, agreedOn: string | null) => {
      const added = await planAction(plan, owner, { description: name, dueDate }, agreedOn);
      ids[name] = added.actionId;
      minPosition = Math.max(minPosition, added.globalPosition);
    };
    await add('plan overdue', org.council, day(-20), day(-50));
    await add('plan started', org.council, day(-10), day(-50));
    await add('plan done', org.council, day(-5), day(-50));
    await add('plan cancelled', org.council, day(30), day(-40));
    await add('plan soon', org.council, day(10), day(-40));
    await add('housing plan', org.housing, day(-25), day(-40));
    await add('plan proposed', org.council, day(15), null);

    const post = async (path: string, body: object = {}) => {
      const { body: answer } = await as.councilOfficer
        .post(`/threats/${threatId}/actions/${path}`)
        .send(body)
        .expect(200);
      minPosition = Math.max(minPosition, answer.globalPosition);
    };
    await post(`${ids['plan started']}/start`);
    await post(`${ids['plan started']}/progress`, { note: 'Closure notice served' });
    await post(`${ids['plan done']}/completion`, { outcome: 'Closure order granted' });
    await post(`${ids['plan cancelled']}/cancellation`, { reason: 'The tenant moved out' });
  });

  const view = (agent: Agent, query: Record<string, string> = {}) =>
    myActions(agent, minPosition, query);

  it('lists the plan actions the council owns among its partner actions, overdue first', async () => {
    const body = await view(as.councilOfficer);
    expect(names(body)).toEqual([
      'meeting overdue',
      'plan overdue',
      'plan started',
      'plan done',
      'plan soon',
      'meeting later',
      'plan cancelled',
      'meeting supported',
    ]);
    expect(body.actions.map((a: { kind: string }) => a.kind)).toEqual([
      'partner-action',
      'plan-action',
      'plan-action',
      'plan-action',
      'plan-action',
      'partner-action',
      'plan-action',
      'partner-action',
    ]);
    const [meetingOverdue, , started, done, , , cancelled] = body.actions;
    expect(meetingOverdue).toMatchObject({
      kind: 'partner-action',
      meeting: { title: 'Cleveland MARSOC, January', heldOn: day(-60) },
      plan: null,
      cancellation: null,
      overdue: true,
    });
    expect(started).toEqual({
      kind: 'plan-action',
      actionId: ids['plan started'],
      threatId,
      plan: { threatId, codeName: CODE_NAME },
      meeting: null,
      category: 'prevent',
      description: 'plan started',
      role: 'lead',
      leadOrganisationId: org.council,
      supportingOrganisationIds: [],
      pointOfContact: { personId: `officer-${org.council}`, organisationId: org.council },
      dueDate: day(-10),
      agreedDueDate: day(-10),
      agreedOn: day(-50),
      status: 'in-progress',
      overdue: true,
      lastProgress: { on: day(0), note: 'Closure notice served' },
      completion: null,
      closure: null,
      cancellation: null,
      pendingDueDateRequest: null,
    });
    expect(done).toMatchObject({
      status: 'completed',
      overdue: false,
      completion: { on: day(0), outcome: 'Closure order granted' },
    });
    expect(cancelled).toMatchObject({
      status: 'closed',
      overdue: false,
      closure: null,
      cancellation: { on: day(0), reason: 'The tenant moved out' },
    });
    // A cancelled plan action has no closure reason class: neither count takes it.
    expect(body.counts).toEqual({
      overdue: 3,
      incomplete: 6,
      completed: 1,
      closedCircumstancesChanged: 0,
      closedAgencyDidNotAct: 0,
    });
  });

  it('shows each organisation only the plan actions it owns', async () => {
    expect(names(await view(as.housingOfficer))).toEqual(['housing plan', 'meeting supported']);
    expect((await view(as.housingOfficer)).actions[0]).toMatchObject({
      kind: 'plan-action',
      role: 'lead',
      overdue: true,
      plan: { codeName: CODE_NAME },
    });
    // Cleveland holds the plan, but owns none of its actions.
    expect((await view(as.lro)).actions).toEqual([]);
    expect((await view(as.outsider)).actions).toEqual([]);
  });

  it('lets row-level security show a plan action to its owner’s organisation and auditors only', async () => {
    const { pool } = t().db;
    const reader = new ScopedReader(pool, new PersonalDataAccessLog(pool));
    const seenBy = (organisationId: string, roles: Role[]) =>
      reader.read(
        { principal: principal(organisationId, roles), purpose: null, requestId: null },
        async (db) =>
          (
            await db.query<{ description: string }>(
              `SELECT description FROM meetings.plan_actions WHERE threat_id = $1
                ORDER BY description`,
              [threatId],
            )
          ).rows.map((r) => r.description),
      );
    expect(await seenBy(org.housing, ['partner-officer'])).toEqual(['housing plan']);
    expect(await seenBy(org.council, ['partner-officer'])).toHaveLength(6);
    expect(await seenBy(org.cleveland, ['lro'])).toEqual([]);
    expect(await seenBy(org.durham, ['auditor'])).toHaveLength(7);
  });

  it('stands on the business date asked for: plan actions agreed by then, as they were', async () => {
    const body = await view(as.councilOfficer, { asOf: day(-45) });
    expect(names(body)).toEqual([
      'meeting overdue',
      'plan overdue',
      'plan started',
      'plan done',
      'meeting later',
      'meeting supported',
    ]);
    expect(body.actions.map((a: { status: string }) => a.status)).toEqual(Array(6).fill('agreed'));
    expect(body.actions[2]).toMatchObject({ lastProgress: null, overdue: false });
    expect(names(await view(as.councilOfficer, { asOf: day(-15) })).slice(0, 2)).toEqual([
      'meeting overdue',
      'plan overdue',
    ]);
  });

  it('filters plan actions by their status read as a partner action’s, and as led', async () => {
    expect(names(await view(as.councilOfficer, { status: 'closed' }))).toEqual(['plan cancelled']);
    expect(names(await view(as.councilOfficer, { status: 'completed' }))).toEqual(['plan done']);
    expect(names(await view(as.councilOfficer, { status: 'in-progress' }))).toEqual([
      'plan started',
    ]);
    expect(names(await view(as.councilOfficer, { role: 'supporting' }))).toEqual([
      'meeting supported',
    ]);
    expect(names(await view(as.councilOfficer, { role: 'lead', status: 'agreed' }))).toEqual([
      'meeting overdue',
      'plan overdue',
      'plan soon',
      'meeting later',
    ]);
  });
});
