import { principal } from '../../../../test/support/test-app.js';
import { assessmentBody, day, meetingsHarness } from '../../test/meeting-commands.setup.js';

type Agent = Awaited<ReturnType<ReturnType<ReturnType<typeof meetingsHarness>['t']>['as']>>;

describe('the meeting pack’s sent agendas and changes since the previous meeting (real PostgreSQL)', () => {
  const { t, as, org, chairRef, schedule, actionBody, registerThreat } = meetingsHarness();
  const run = org.cleveland.slice('cleveland-police-'.length);
  const probation = `probation-${run}`;
  let minPosition = 0;
  const threats = { kestrel: '', sparrow: '' };
  const meetings = { first: '', next: '' };
  let planActionId = '';
  let partnerActionId = '';
  const items: Record<string, string> = {};

  const send = async (agent: Agent, method: 'post' | 'put' | 'delete', path: string, body = {}) => {
    const answer = await agent[method](path).send(body);
    if (answer.status >= 300)
      throw new Error(`set-up ${path} answered ${answer.status} ${answer.text}`);
    minPosition = Math.max(minPosition, answer.body.globalPosition ?? 0);
    return answer.body as Record<string, string>;
  };

  beforeAll(async () => {
    const kestrel = await registerThreat(org.cleveland, { codeName: 'OPERATION KESTREL' });
    const sparrow = await registerThreat(org.cleveland, {
      codeName: 'OPERATION SPARROW',
      marking: 'OFFICIAL-SENSITIVE',
    });
    threats.kestrel = kestrel.threatId;
    threats.sparrow = sparrow.threatId;
    const analyst = kestrel.analyst;
    const lro = await t().as(principal(org.cleveland, ['lro'], `lro-${org.cleveland}`));
    const assess = (threatId: string, totalScore: number, assessedOn: string) =>
      send(
        analyst,
        'post',
        `/threats/${threatId}/assessments`,
        assessmentBody(totalScore, assessedOn),
      );
    const plan = (criminalActivity: string, updatedOn: string) =>
      send(lro, 'put', `/threats/${threats.kestrel}/plan`, {
        criminalActivity,
        placesAffected: ['Hartlepool'],
        risks: ['Task team withdrawn'],
        reviewDate: day(30),
        updatedOn,
      });
    for (const threatId of [threats.kestrel, threats.sparrow]) {
      await send(analyst, 'post', `/threats/${threatId}/plan/shares`, {
        organisationIds: [org.council],
        sharedOn: day(-45),
      });
    }
    await assess(threats.kestrel, 100, day(-40));
    await plan('Cuckooing at Oxford Road', day(-40));

    const meeting = async (heldOn: string, title: string, agenda: string[]) => {
      const meetingId = await schedule({ heldOn, title });
      for (const threatId of agenda) {
        await send(as.chair, 'post', `/meetings/${meetingId}/agenda`, {
          threatId,
          ownerOrganisationId: org.cleveland,
        });
      }
      return meetingId;
    };
    meetings.first = await meeting(day(-30), 'Cleveland MARSOC, first', [threats.kestrel]);
    partnerActionId = (
      await send(as.chair, 'post', `/meetings/${meetings.first}/actions`, {
        ...actionBody(threats.kestrel),
        description: 'Joint visit to Oxford Road',
      })
    ).actionId;

    await assess(threats.kestrel, 70, day(-10));
    planActionId = (
      await send(lro, 'post', `/threats/${threats.kestrel}/actions`, {
        category: 'pursue',
        description: 'Warrant at Oxford Road',
        owner: { personId: `lro-${org.cleveland}`, organisationId: org.cleveland },
        dueDate: day(10),
        proposedOn: day(-9),
      })
    ).actionId;
    const planAction = `/threats/${threats.kestrel}/actions/${planActionId}`;
    await send(lro, 'post', `${planAction}/agreement`, { agreedOn: day(-9) });
    await send(lro, 'post', `${planAction}/completion`, {
      outcome: 'Two arrests',
      completedOn: day(-8),
    });
    await send(as.councilOfficer, 'post', `/actions/${partnerActionId}/completion`, {
      outcome: 'Visited',
    });

    meetings.next = await meeting(day(3), 'Cleveland MARSOC, next', [
      threats.kestrel,
      threats.sparrow,
    ]);
    for (const [name, handling, mayGoTo] of [
      ['public', 'P', []],
      ['conditional', 'C', [org.housing]],
    ] as const) {
      items[name] = (
        await send(as.chair, 'post', `/meetings/${meetings.next}/intelligence`, {
          summary: `${name}: a new handset`,
          threatId: threats.kestrel,
          grading: {
            source: 2,
            intelligence: 'B',
            handling,
            conditions: handling === 'C' ? 'Housing officer only' : null,
          },
          mayGoTo,
          sharedBy: chairRef,
        })
      ).itemId;
    }
    await send(as.chair, 'post', `/meetings/${meetings.next}/agenda/publication`);

    // After publication: none of this may change what the agenda sent.
    await plan('Moved to Station Road', day(0));
    await assess(threats.kestrel, 50, day(0));
    await send(analyst, 'delete', `/threats/${threats.kestrel}/plan/shares/${org.council}`);
    await send(as.chair, 'post', `/meetings/${meetings.next}/invitations`, {
      organisationIds: [probation],
    });
  });

  const pack = async (agent: Agent, meetingId: string) =>
    (await agent.get(`/meetings/${meetingId}/pack`).query({ minPosition }).expect(200)).body;
  const sentPlans = (body: { sentAgendas: { agenda: { threatId: string; plan: unknown }[] }[] }) =>
    body.sentAgendas.map((s) => s.agenda.map((a) => [a.threatId, a.plan]));

  it('shows the chair the plans on a page as the publication sent them, not as they are now', async () => {
    const body = await pack(as.chair, meetings.next);
    expect(body.sentAgendas).toHaveLength(1);
    const [sent] = body.sentAgendas;
    expect(sent).toMatchObject({
      publishedOn: day(0),
      recipientOrganisationIds: [org.cleveland, org.council, org.housing],
    });
    expect(sent.agenda.map((a: { threatId: string }) => a.threatId)).toEqual([
      threats.kestrel,
      threats.sparrow,
    ]);
    expect(sent.agenda[0].plan).toMatchObject({
      codeName: 'OPERATION KESTREL',
      marking: 'OFFICIAL',
      criminalActivity: 'Cuckooing at Oxford Road',
      placesAffected: ['Hartlepool'],
      risks: ['Task team withdrawn'],
      currentAssessment: { totalScore: 70, assessedOn: day(-10) },
      actions: [
        {
          actionId: planActionId,
          status: 'done',
          outcome: 'Two arrests',
          completedOn: day(-8),
        },
      ],
      lro: { organisationId: org.cleveland },
    });
    expect(sent.agenda[1].plan).toMatchObject({ codeName: 'OPERATION SPARROW' });
    // The live agenda has moved on.
    expect(body.agenda[0].threat.currentAssessment.totalScore).toBe(50);
  });

  it('gives each invitee only what it was sent, and nothing to one invited later', async () => {
    const council = await pack(as.councilOfficer, meetings.next);
    // Shared with the council then (unshared since); the sensitive one never went through a share.
    expect(sentPlans(council)).toEqual([
      [
        [
          threats.kestrel,
          expect.objectContaining({ criminalActivity: 'Cuckooing at Oxford Road' }),
        ],
        [threats.sparrow, null],
      ],
    ]);
    expect(council.agenda[0].threat).toBeNull();
    expect(sentPlans(await pack(as.housingOfficer, meetings.next))).toEqual([
      [
        [threats.kestrel, null],
        [threats.sparrow, null],
      ],
    ]);
    const probationOfficer = await t().as(principal(probation, ['partner-officer']));
    expect((await pack(probationOfficer, meetings.next)).sentAgendas).toEqual([]);
    expect((await pack(as.chair, meetings.first)).sentAgendas).toEqual([]);
  });

  it('says what changed on each threat since the previous meeting on it', async () => {
    const body = await pack(as.chair, meetings.next);
    const [kestrel, sparrow] = body.agenda;
    expect(sparrow.changes).toBeNull();
    expect(kestrel.changes).toMatchObject({
      since: { meetingId: meetings.first, title: 'Cleveland MARSOC, first', heldOn: day(-30) },
      until: day(0),
      scoreBefore: 100,
      scoreNow: 50,
      assessments: [
        { totalScore: 70, assessedOn: day(-10) },
        { totalScore: 50, assessedOn: day(0) },
      ],
      planActionsCompleted: [{ actionId: planActionId, completedOn: day(-8) }],
      partnerActionsCompleted: [
        { actionId: partnerActionId, status: 'completed', completion: { on: day(0) } },
      ],
    });
    const ids = (changes: { newIntelligence: { itemId: string }[] }) =>
      changes.newIntelligence.map((i) => i.itemId);
    expect(ids(kestrel.changes)).toEqual([items.public, items.conditional]);
    expect((await pack(as.chair, meetings.first)).agenda[0].changes).toBeNull();
  });

  it('shows each organisation only the changes it may see', async () => {
    const council = (await pack(as.councilOfficer, meetings.next)).agenda[0].changes;
    expect(council.newIntelligence.map((i: { itemId: string }) => i.itemId)).toEqual([
      items.public,
    ]);
    // No longer shared with the council: no scores, no plan actions; its own action it sees.
    expect(council).toMatchObject({
      scoreBefore: null,
      scoreNow: null,
      assessments: [],
      planActionsCompleted: [],
      partnerActionsCompleted: [{ actionId: partnerActionId }],
    });
    const housing = (await pack(as.housingOfficer, meetings.next)).agenda[0].changes;
    expect(housing.newIntelligence.map((i: { itemId: string }) => i.itemId)).toEqual([
      items.public,
      items.conditional,
    ]);
  });
});
