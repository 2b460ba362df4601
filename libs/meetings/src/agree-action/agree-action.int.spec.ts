import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('actions agreed at a meeting, over HTTP (real PostgreSQL)', () => {
  const { as, org, meetingWithThreat, actionBody, events, refused } = meetingsHarness();

  it('records the action on the meeting alone, dated its day once past, under the id it answers', async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-1) });
    const { body } = await as.chair
      .post(`/meetings/${meetingId}/actions`)
      .send(actionBody(threatId))
      .expect(201);
    const { pointOfContact, ...agreed } = actionBody(threatId);
    expect((await events(`meeting:${meetingId}`)).at(-1)).toEqual({
      type: 'meetings.PartnerActionAgreed',
      occurred: day(-1),
      payload: { ...agreed, pointOfContact, meetingId, actionId: body.actionId },
    });
    expect(await events(`partner-action:${body.actionId}`)).toEqual([]);
    await as.councilOfficer
      .post(`/actions/${body.actionId}/progress`)
      .send({ note: 'Visit booked' })
      .expect(200);
  });

  it('refuses organisations not invited, bad input and strangers, appending nothing', async () => {
    const { meetingId, threatId } = await meetingWithThreat();
    const agree = (body: object, agent = as.chair) =>
      agent.post(`/meetings/${meetingId}/actions`).send(body);
    const [lead, supporter] = await refused(
      [
        () =>
          agree(
            actionBody(threatId, {
              leadOrganisationId: org.durham,
              pointOfContact: { personId: 'd-1', organisationId: org.durham },
            }),
          ),
        422,
      ],
      [() => agree(actionBody(threatId, { supportingOrganisationIds: [org.durham] })), 422],
      [
        () =>
          agree(
            actionBody(threatId, {
              pointOfContact: { personId: 'h-1', organisationId: org.housing },
            }),
          ),
        422,
      ],
      [() => agree(actionBody(threatId, { dueDate: day(-30) })), 422],
      [() => agree(actionBody(threatId, { category: 'punish' })), 400],
      [() => agree(actionBody(threatId, { supportingOrganisationIds: 'hmrc' })), 400],
      [() => agree({ ...actionBody(threatId), actionId: 'mine' }), 400],
      [() => agree(actionBody(threatId), as.otherChair), 404],
      [() => agree(actionBody(threatId), as.councilChair), 403],
    );
    expect(lead.body.detail).toMatch(new RegExp(`not invited.*${org.durham}`));
    expect(supporter.body.detail).toMatch(new RegExp(`not invited.*${org.durham}`));
  });
});
