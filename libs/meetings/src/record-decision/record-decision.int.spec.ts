import { randomUUID } from 'node:crypto';
import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('decisions of a meeting, over HTTP (real PostgreSQL)', () => {
  const { as, meetingWithThreat, events, refused } = meetingsHarness();

  it('records a decision on an agenda threat, dated the meeting’s day once past', async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-2) });
    const text = 'Refer the Oxford Road address to the closure order panel';
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/decisions`)
      .send({ text, threatId })
      .expect(201);
    expect((await events(`meeting:${meetingId}`)).at(-1)).toEqual({
      type: 'meetings.DecisionRecorded',
      occurred: day(-2),
      payload: { meetingId, decisionId: body.decisionId, threatId, text },
    });
  });

  it('refuses bad input, threats off the agenda, final minutes and stale versions', async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(0) });
    const decide = (body: object, ifMatch?: number) => {
      const call = as.chair.post(`/meetings/${meetingId}/decisions`);
      return (ifMatch === undefined ? call : call.set('if-match', String(ifMatch))).send(body);
    };
    const text = 'Refer the address to the panel';
    await refused(
      [() => decide({ threatId }), 400],
      [() => decide({ text: 42, threatId }), 400],
      [() => decide({ text, threatId, decidedOn: 'yesterday' }), 400],
      [() => decide({ text, threatId: randomUUID() }), 422],
      [() => decide({ text, threatId }, 1), 409],
      [() => as.otherChair.post(`/meetings/${meetingId}/decisions`).send({ text }), 404],
    );
    await as.chair
      .post(`/meetings/${meetingId}/minutes/finalisation`)
      .send({ summary: 'One decision' })
      .expect(200);
    const [late] = await refused([() => decide({ text }), 409]);
    expect(late.body.detail).toMatch(/correction/);
  });
});
