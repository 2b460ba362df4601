import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('intelligence shared at a meeting, over HTTP (real PostgreSQL)', () => {
  const { as, org, chairRef, meetingWithThreat, events, refused } = meetingsHarness();
  const item = (threatId: string, overrides: Record<string, unknown> = {}) => ({
    summary: 'Address on Oxford Road used to store cash; two juveniles seen running',
    threatId,
    grading: { source: 2, intelligence: 'B', handling: 'C', conditions: 'Housing officer only' },
    mayGoTo: [org.housing],
    sharedBy: chairRef,
    ...overrides,
  });

  it('records a graded item under an id of its own, on the day of a past meeting', async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-3) });
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/intelligence`)
      .send(item(threatId))
      .expect(201);
    expect(body.itemId).toMatch(UUID_V7);
    expect((await events(`meeting:${meetingId}`)).at(-1)).toEqual({
      type: 'meetings.IntelligenceShared',
      occurred: day(-3),
      payload: {
        meetingId,
        itemId: body.itemId,
        threatId,
        summary: item(threatId).summary,
        grading: {
          source: 2,
          intelligence: 'B',
          handling: 'C',
          conditions: 'Housing officer only',
        },
        mayGoTo: [org.housing],
        sharedBy: chairRef,
      },
    });
    await as.chair
      .post(`/meetings/${meetingId}/intelligence`)
      .send(
        item(threatId, {
          threatId: null,
          grading: { source: 1, intelligence: 'A', handling: 'P' },
          mayGoTo: [],
        }),
      )
      .expect(201);
  });

  it('refuses a bad grading, organisations not invited and strangers, appending nothing', async () => {
    const { meetingId, threatId } = await meetingWithThreat();
    const share = (agent: typeof as.chair, body: object) =>
      agent.post(`/meetings/${meetingId}/intelligence`).send(body);
    const grading = (g: object) =>
      item(threatId, { grading: { source: 2, intelligence: 'B', handling: 'C', ...g } });
    const [, , , , , stranger] = await refused(
      [() => share(as.chair, grading({ source: 4 })), 400],
      [() => share(as.chair, grading({ intelligence: 'F' })), 400],
      [() => share(as.chair, grading({ conditions: undefined })), 400],
      [() => share(as.chair, grading({ conditions: 7, handling: 'P' })), 400],
      [() => share(as.chair, { ...item(threatId), surprise: true }), 400],
      [() => share(as.chair, item(threatId, { mayGoTo: [org.durham] })), 422],
      [() => share(as.chair, item(threatId, { mayGoTo: [] })), 422],
      [() => share(as.otherChair, item(threatId)), 404],
      [() => share(as.councilOfficer, item(threatId)), 403],
    );
    expect(stranger.body.detail).toMatch(new RegExp(`not invited.*${org.durham}`));
  });
});
