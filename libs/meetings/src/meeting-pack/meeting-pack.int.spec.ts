import { principal } from '../../../../test/support/test-app.js';
import { assessmentBody, day, meetingsHarness } from '../../test/meeting-commands.setup.js';

type Agent = Awaited<ReturnType<ReturnType<ReturnType<typeof meetingsHarness>['t']>['as']>>;

describe('the meeting pack, over HTTP (real PostgreSQL)', () => {
  const { t, as, org, chairRef, schedule, actionBody } = meetingsHarness();
  const run = org.cleveland.slice('cleveland-police-'.length);
  const more = [
    'probation',
    'hmrc',
    'nca',
    'fire',
    'childrens',
    'adults',
    'trading',
    'licensing',
    'crimestoppers',
  ];
  const [probation, hmrc, ...others] = more.map((name) => `${name}-${run}`);
  const invited = [org.council, org.housing, probation, hmrc, ...others];
  let minPosition = 0;
  let threatId = '';
  const meetings = { first: '', second: '' };
  const actions: Record<string, string> = {};
  const items: Record<string, string> = {};

  const post = async (agent: Agent, path: string, body: object, status?: number) => {
    const answer = await agent.post(path).send(body);
    if (answer.status >= 300 || (status !== undefined && answer.status !== status)) {
      throw new Error(`set-up ${path} answered ${answer.status} ${answer.text}`);
    }
    minPosition = Math.max(minPosition, answer.body.globalPosition);
    return answer.body as Record<string, string>;
  };

  beforeAll(async () => {
    const analyst = await t().as(principal(org.cleveland, ['analyst']));
    const probationOfficer = await t().as(principal(probation, ['partner-officer']));
    ({ threatId } = await post(analyst, '/threats', {
      ownerOrganisationId: org.cleveland,
      kind: 'ocg',
      codeName: 'OPERATION KESTREL',
      summary: 'County lines supply into Hartlepool',
      priorityArea: 'county-lines',
      type: 'tactical',
      tier: 2,
      phase: 'active',
      soc: true,
      lro: { personId: `lro-${run}`, organisationId: org.cleveland },
      marking: 'OFFICIAL',
      signposting: false,
      openedOn: day(-100),
      registeredOn: day(-100),
    }));
    const assess = (totalScore: number, assessedOn: string) =>
      post(analyst, `/threats/${threatId}/assessments`, assessmentBody(totalScore, assessedOn));
    await assess(100, day(-50));
    await assess(80, day(-10));
    await post(analyst, `/threats/${threatId}/plan/shares`, { organisationIds: [org.council] });

    const meeting = async (heldOn: string, title: string) => {
      const meetingId = await schedule({ heldOn, title, invitedOrganisationIds: invited });
      await post(as.chair, `/meetings/${meetingId}/agenda`, {
        threatId,
        ownerOrganisationId: org.cleveland,
      });
      return meetingId;
    };
    meetings.first = await meeting(day(-40), 'Cleveland MARSOC, first');
    meetings.second = await meeting(day(-5), 'Cleveland MARSOC, second');

    const agree = async (meetingId: string, name: string, overrides: Record<string, unknown>) => {
      const lead = (overrides.leadOrganisationId as string | undefined) ?? org.council;
      const body = actionBody(threatId, {
        description: name,
        supportingOrganisationIds: [],
        pointOfContact: { personId: `officer-${lead}`, organisationId: lead },
        ...overrides,
      });
      actions[name] = (await post(as.chair, `/meetings/${meetingId}/actions`, body)).actionId;
    };
    await agree(meetings.first, 'overdue', {
      dueDate: day(-30),
      supportingOrganisationIds: [org.housing],
    });
    await agree(meetings.first, 'completed', {
      dueDate: day(-20),
      leadOrganisationId: org.housing,
    });
    await agree(meetings.first, 'started', { dueDate: day(10), leadOrganisationId: probation });
    await agree(meetings.first, 'changed', { dueDate: day(-25) });
    await agree(meetings.first, 'not-acted', { dueDate: day(-35), leadOrganisationId: hmrc });
    await agree(meetings.second, 'next', {
      dueDate: day(20),
      supportingOrganisationIds: [org.housing],
    });
    await agree(meetings.second, 'late', { dueDate: day(-2), leadOrganisationId: hmrc });

    const hmrcOfficer = await t().as(principal(hmrc, ['partner-officer']));
    await post(as.housingOfficer, `/actions/${actions.completed}/completion`, { outcome: 'Done' });
    await post(probationOfficer, `/actions/${actions.started}/progress`, { note: 'Booked' });
    await post(as.councilOfficer, `/actions/${actions.changed}/closure`, {
      reason: 'circumstances-changed',
      explanation: 'The family moved away',
    });
    await post(hmrcOfficer, `/actions/${actions['not-acted']}/closure`, {
      reason: 'agency-did-not-act',
      explanation: 'No officer was free',
    });

    const share = async (name: string, handling: 'P' | 'C', mayGoTo: string[]) => {
      items[name] = (
        await post(as.chair, `/meetings/${meetings.second}/intelligence`, {
          summary: `${name}: the line has moved to a new handset`,
          threatId,
          grading: {
            source: 2,
            intelligence: 'B',
            handling,
            conditions: handling === 'C' ? 'Housing officer only; not for court' : null,
          },
          mayGoTo,
          sharedBy: chairRef,
        })
      ).itemId;
    };
    await share('public', 'P', []);
    await share('conditional', 'C', [org.housing]);
    await post(as.chair, `/meetings/${meetings.second}/decisions`, {
      text: 'Refer the Oxford Road address to the closure order panel',
      threatId,
    });
    await post(as.chair, `/meetings/${meetings.second}/agenda/publication`, {});

    const attend = (meetingId: string, organisationId: string, attendance: string) =>
      post(as.chair, `/meetings/${meetingId}/attendance`, {
        organisationId,
        personId: `attendee-${organisationId}`,
        attendance,
        acceptedConfidentiality: attendance === 'present',
      });
    for (const [meetingId, record] of [
      [
        meetings.first,
        {
          [org.cleveland]: 'present',
          [org.council]: 'present',
          [org.housing]: 'apologies',
          [probation]: 'absent',
        },
      ],
      [
        meetings.second,
        {
          [org.cleveland]: 'present',
          [org.council]: 'present',
          [org.housing]: 'present',
          [probation]: 'apologies',
        },
      ],
    ] as const) {
      for (const [organisationId, attendance] of Object.entries(record)) {
        await attend(meetingId, organisationId, attendance);
      }
    }
  });

  const pack = async (agent: Agent, meetingId: string, query: Record<string, string> = {}) =>
    (
      await agent
        .get(`/meetings/${meetingId}/pack`)
        .query({ minPosition, ...query })
        .expect(200)
    ).body;
  const leads = (actionsView: {
    byLeadOrganisation: { organisationId: string; actions: { description: string }[] }[];
  }) =>
    Object.fromEntries(
      actionsView.byLeadOrganisation.map((g) => [
        g.organisationId,
        g.actions.map((a) => a.description),
      ]),
    );
  const itemNames = (body: { intelligence: { itemId: string }[] }) =>
    body.intelligence.map((i) => Object.keys(items).find((name) => items[name] === i.itemId));

  it('gives the chair’s organisation the whole pack, opening with the previous meeting’s incomplete actions', async () => {
    const body = await pack(as.chair, meetings.second);
    expect(body).toMatchObject({
      meetingId: meetings.second,
      kind: 'marsoc',
      title: 'Cleveland MARSOC, second',
      chair: chairRef,
      heldOn: day(-5),
      place: 'Middlesbrough, Ladgate Lane',
      invitedOrganisationIds: [org.cleveland, ...invited],
      agenda: [
        {
          threatId,
          ownerOrganisationId: org.cleveland,
          threat: {
            codeName: 'OPERATION KESTREL',
            currentAssessment: {
              totalScore: 80,
              assessedOn: day(-10),
              moderationStatus: 'unmoderated',
            },
            scoreAtPreviousMeeting: 100,
          },
        },
      ],
      publication: {
        threatIds: [threatId],
        publishedOn: day(-5),
        publishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      },
      minutesFinalisedOn: null,
      decisions: [
        {
          threatId,
          text: 'Refer the Oxford Road address to the closure order panel',
          decidedOn: day(-5),
        },
      ],
      asOf: day(0),
      preparedFor: org.cleveland,
    });
    expect(itemNames(body)).toEqual(['public', 'conditional']);
    expect(body.intelligence[1]).toMatchObject({
      grading: {
        source: 2,
        intelligence: 'B',
        handling: 'C',
        conditions: 'Housing officer only; not for court',
      },
      mayGoTo: [org.housing],
      sharedBy: chairRef,
      sharedOn: day(-5),
    });
    expect(leads(body.actions)).toEqual({ [org.council]: ['next'], [hmrc]: ['late'] });
    expect(body.actions.counts).toEqual({
      overdue: 1,
      incomplete: 2,
      completed: 0,
      closedCircumstancesChanged: 0,
      closedAgencyDidNotAct: 0,
    });
    expect(body.previousMeeting).toMatchObject({
      meetingId: meetings.first,
      title: 'Cleveland MARSOC, first',
      heldOn: day(-40),
    });
    expect(leads(body.previousMeeting.incompleteActions)).toEqual({
      [org.council]: ['overdue'],
      [probation]: ['started'],
    });
    expect(body.previousMeeting.incompleteActions.byLeadOrganisation[0].actions[0]).toMatchObject({
      actionId: actions.overdue,
      status: 'agreed',
      overdue: true,
      dueDate: day(-30),
    });
    expect(body.attendance.window).toBe(6);
    expect(body.attendance.meetings.map((m: { meetingId: string }) => m.meetingId)).toEqual([
      meetings.second,
      meetings.first,
    ]);
    const record = Object.fromEntries(
      body.attendance.organisations.map((o: { organisationId: string; record: string[] }) => [
        o.organisationId,
        o.record,
      ]),
    );
    expect(record).toMatchObject({
      [org.cleveland]: ['present', 'present'],
      [org.council]: ['present', 'present'],
      [org.housing]: ['present', 'apologies'],
      [probation]: ['apologies', 'absent'],
      [hmrc]: ['not-recorded', 'not-recorded'],
    });
    expect(body.attendance.organisations).toHaveLength(12);
  });

  it('keeps both closure reason classes apart in the first meeting’s pack', async () => {
    const body = await pack(as.chair, meetings.first);
    expect(body.previousMeeting).toBeNull();
    expect(leads(body.actions)).toEqual({
      [org.council]: ['overdue', 'changed'],
      [hmrc]: ['not-acted'],
      [org.housing]: ['completed'],
      [probation]: ['started'],
    });
    expect(body.actions.counts).toEqual({
      overdue: 1,
      incomplete: 2,
      completed: 1,
      closedCircumstancesChanged: 1,
      closedAgencyDidNotAct: 1,
    });
    expect(body.agenda[0].threat).toMatchObject({
      currentAssessment: { totalScore: 80 },
      scoreAtPreviousMeeting: null,
    });
    const then = await pack(as.chair, meetings.first, { asOf: day(-40) });
    expect(then.agenda[0].threat.currentAssessment).toMatchObject({ totalScore: 100 });
    expect(body.attendance.meetings).toHaveLength(1);
  });

  it('shows an organisation named on a handling code C item that item, and only its own actions', async () => {
    const body = await pack(as.housingOfficer, meetings.second);
    expect(body.preparedFor).toBe(org.housing);
    expect(itemNames(body)).toEqual(['public', 'conditional']);
    expect(leads(body.actions)).toEqual({ [org.council]: ['next'] });
    expect(leads(body.previousMeeting.incompleteActions)).toEqual({ [org.council]: ['overdue'] });
    // The threat is not shared with the housing association: it learns only its id and holder.
    expect(body.agenda).toEqual([
      { threatId, ownerOrganisationId: org.cleveland, threat: null, changes: expect.any(Object) },
    ]);
  });

  it('tells an organisation not named on a handling code C item nothing of it', async () => {
    const body = await pack(as.councilOfficer, meetings.second);
    expect(itemNames(body)).toEqual(['public']);
    expect(JSON.stringify(body)).not.toContain(items.conditional);
    expect(JSON.stringify(body)).not.toContain('Housing officer only');
    expect(leads(body.actions)).toEqual({ [org.council]: ['next'] });
    expect(body.agenda[0].threat).toMatchObject({ codeName: 'OPERATION KESTREL' });
  });

  it('stands on the business date asked for', async () => {
    // Three days ago nothing had been completed, closed or started: every update is dated today.
    const body = await pack(as.chair, meetings.second, { asOf: day(-3) });
    expect(body.asOf).toBe(day(-3));
    expect(leads(body.previousMeeting.incompleteActions)).toEqual({
      [org.council]: ['overdue', 'changed'],
      [hmrc]: ['not-acted'],
      [org.housing]: ['completed'],
      [probation]: ['started'],
    });
    expect(body.previousMeeting.incompleteActions.counts).toMatchObject({
      overdue: 4,
      incomplete: 5,
    });
    expect(body.actions.counts.overdue).toBe(0);
  });

  it('lets auditors read it, and answers 404 to an organisation not invited', async () => {
    expect(itemNames(await pack(as.auditor, meetings.second))).toEqual(['public', 'conditional']);
    for (const agent of [as.outsider, as.otherChair]) {
      const answer = await agent.get(`/meetings/${meetings.second}/pack`).query({ minPosition });
      expect(answer.status).toBe(404);
      expect(answer.body.detail).not.toContain('MARSOC');
    }
  });

  it('refuses malformed dates, unknown fields and malformed ids with problem documents', async () => {
    for (const [path, query] of [
      [meetings.second, { asOf: '2025-02-30' }],
      [meetings.second, { asOf: 'yesterday' }],
      [meetings.second, { organisationId: org.housing }],
      [meetings.second, { minPosition: '-1' }],
      ['not-a-meeting', {}],
    ] as const) {
      const answer = await as.chair.get(`/meetings/${path}/pack`).query(query);
      expect({ status: answer.status, query }).toEqual({ status: 400, query });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
