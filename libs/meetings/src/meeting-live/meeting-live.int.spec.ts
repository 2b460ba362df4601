import type { Caller } from '../../../../test/support/test-app.js';
import { listeningUrl, SseStream } from '../../../../test/support/sse-client.js';
import { meetingsHarness } from '../../test/meeting-commands.setup.js';

interface Message {
  type: string;
  meetingId: string;
  actionId?: string;
  globalPosition: number;
  action?: { leadOrganisationId: string; status: string; dueDate: string };
  intelligence?: { itemId: string; grading: { handling: string } };
  details?: Record<string, unknown>;
}

describe('a meeting’s live updates, over HTTP (real PostgreSQL)', () => {
  const { t, as, org, chairRef, meetingWithThreat, actionBody } = meetingsHarness();
  const callers = {
    chair: { personId: chairRef.personId, organisationId: org.cleveland, roles: ['meeting-chair'] },
    housing: {
      personId: 'housing-officer',
      organisationId: org.housing,
      roles: ['partner-officer'],
    },
  } satisfies Record<string, Caller>;
  const open: SseStream[] = [];
  let baseUrl = '';

  /** Opens a stream once the meeting (set up to `globalPosition`) is in the projection. */
  const stream = async (
    caller: Caller,
    { meetingId, globalPosition }: { meetingId: string; globalPosition: number },
    headers: Record<string, string> = {},
  ) => {
    const token = await t().tokenFor(caller);
    const url = `${baseUrl}/meetings/${meetingId}/events?minPosition=${globalPosition}`;
    const opened = await SseStream.open(url, {
      authorization: `Bearer ${token}`,
      ...headers,
    });
    open.push(opened);
    await opened.until((s) => s.comments.includes('connected'), 5000);
    return opened;
  };
  const itemIds = (s: SseStream) =>
    s.json<Message>().flatMap((m) => (m.intelligence ? [m.intelligence.itemId] : []));
  const share = async (meetingId: string, threatId: string, handling: 'P' | 'C') => {
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/intelligence`)
      .send({
        summary: `${handling}: the line has moved to a new handset`,
        threatId,
        grading: {
          source: 2,
          intelligence: 'B',
          handling,
          conditions: handling === 'C' ? 'Council officers only; not for court' : null,
        },
        mayGoTo: handling === 'C' ? [org.council] : [],
        sharedBy: chairRef,
      })
      .expect(201);
    return body as { itemId: string; globalPosition: number };
  };

  beforeAll(async () => {
    baseUrl = await listeningUrl(t().app);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });

  it('sends each attendee, within a second of the answer, what its pack shows and no more', async () => {
    const meeting = await meetingWithThreat();
    const { meetingId, threatId } = meeting;
    const chair = await stream(callers.chair, meeting);
    const housing = await stream(callers.housing, meeting);
    expect(chair.response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const agreed = await as.chair
      .post(`/meetings/${meetingId}/actions`)
      .send(actionBody(threatId))
      .expect(201);
    const { actionId } = agreed.body as { actionId: string };
    const conditional = await share(meetingId, threatId, 'C');
    const open_ = await share(meetingId, threatId, 'P');
    const sent = Date.now();

    await chair.until((s) => itemIds(s).includes(open_.itemId), 1000);
    await housing.until((s) => itemIds(s).includes(open_.itemId), 1000);
    expect(Date.now() - sent).toBeLessThan(1000);

    const agreement = {
      type: 'meetings.PartnerActionAgreed',
      meetingId,
      actionId,
      globalPosition: agreed.body.globalPosition,
      action: {
        leadOrganisationId: org.council,
        status: 'agreed',
        dueDate: actionBody('').dueDate,
      },
    };
    expect(chair.json<Message>()).toMatchObject([
      agreement,
      { type: 'meetings.IntelligenceShared', intelligence: { itemId: conditional.itemId } },
      { type: 'meetings.IntelligenceShared', intelligence: { itemId: open_.itemId } },
    ]);
    expect(housing.json<Message>()).toMatchObject([
      agreement,
      { type: 'meetings.IntelligenceShared', intelligence: { itemId: open_.itemId } },
    ]);
    expect(housing.events.map((e) => e.id)).toEqual(
      [agreed.body.globalPosition, open_.globalPosition].map(String),
    );
    expect(JSON.stringify(housing.events)).not.toContain(conditional.itemId);

    // What the stream said is already in the pack, with no minPosition asked for.
    const pack = await as.housingOfficer.get(`/meetings/${meetingId}/pack`).expect(200);
    expect(pack.body.actions.counts.incomplete).toBe(1);
    expect(pack.body.intelligence.map((i: { itemId: string }) => i.itemId)).toEqual([open_.itemId]);
  });

  it('sends an action’s update and the meeting’s other events to every attendee', async () => {
    const meeting = await meetingWithThreat();
    const { meetingId, threatId } = meeting;
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/actions`)
      .send(actionBody(threatId))
      .expect(201);
    // From the position the caller has seen, as a client that has just read the pack would.
    const housing = await stream(callers.housing, meeting, {
      'last-event-id': String(body.globalPosition),
    });

    await as.councilOfficer
      .post(`/actions/${body.actionId}/progress`)
      .send({ note: 'Visit booked' })
      .expect(200);
    await as.chair
      .post(`/meetings/${meetingId}/decisions`)
      .send({ text: 'Refer the address to the closure order panel', threatId })
      .expect(201);
    await housing.until((s) => s.events.length === 2, 1000);

    expect(housing.json<Message>()).toMatchObject([
      {
        type: 'meetings.PartnerActionProgressPosted',
        meetingId,
        actionId: body.actionId,
        action: { status: 'in-progress' },
      },
      {
        type: 'meetings.DecisionRecorded',
        meetingId,
        details: { threatId, text: 'Refer the address to the closure order panel' },
      },
    ]);
  });

  it('resumes after Last-Event-ID, with what the caller may see', async () => {
    const meeting = await meetingWithThreat();
    const { meetingId, threatId } = meeting;
    const agreed = await as.chair
      .post(`/meetings/${meetingId}/actions`)
      .send(actionBody(threatId))
      .expect(201);
    const conditional = await share(meetingId, threatId, 'C');
    const open_ = await share(meetingId, threatId, 'P');

    const housing = await stream(callers.housing, meeting, {
      'last-event-id': String(agreed.body.globalPosition),
    });
    await housing.until((s) => s.events.length >= 1, 1000);
    expect(housing.json<Message>()).toMatchObject([
      { type: 'meetings.IntelligenceShared', intelligence: { itemId: open_.itemId } },
    ]);
    const chair = await stream(callers.chair, meeting, { 'last-event-id': '0' });
    await chair.until((s) => itemIds(s).includes(open_.itemId), 1000);
    expect(chair.json<Message>().map((m) => m.type)).toEqual([
      'meetings.MeetingScheduled',
      'meetings.AgendaItemAdded',
      'meetings.PartnerActionAgreed',
      'meetings.IntelligenceShared',
      'meetings.IntelligenceShared',
    ]);
    expect(itemIds(chair)).toEqual([conditional.itemId, open_.itemId]);
  });

  it('answers 404 to an organisation not invited, and 400 to a malformed Last-Event-ID', async () => {
    const { meetingId, globalPosition } = await meetingWithThreat();
    const stranger = await as.outsider
      .get(`/meetings/${meetingId}/events`)
      .query({ minPosition: globalPosition })
      .expect(404);
    expect(stranger.headers['content-type']).toMatch(/^application\/problem\+json/);
    await as.chair
      .get(`/meetings/${meetingId}/events`)
      .set('last-event-id', 'yesterday')
      .expect(400);
    await as.chair.get(`/meetings/${meetingId}/events`).query({ minPosition: 'soon' }).expect(400);
  });
});
