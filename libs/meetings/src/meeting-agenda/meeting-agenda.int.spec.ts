import { randomUUID } from 'node:crypto';
import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('the agenda over HTTP (real PostgreSQL)', () => {
  const { as, org, schedule, events, refused, registerThreat, meetingsReached } = meetingsHarness();

  it('adds threats, removes one and publishes the rest, once', async () => {
    const meetingId = await schedule();
    const [kestrel, harrier] = [randomUUID(), randomUUID()];
    for (const threatId of [kestrel, harrier]) {
      await as.chair
        .post(`/meetings/${meetingId}/agenda`)
        .send({ threatId, ownerOrganisationId: org.cleveland })
        .expect(200);
    }
    await as.chair.delete(`/meetings/${meetingId}/agenda/${harrier}`).expect(200);
    const publish = () =>
      as.chair.post(`/meetings/${meetingId}/agenda/publication`).send({}).expect(200);
    const { body: published } = await publish();
    const { body: again } = await publish();
    expect(again.streamVersion).toBe(published.streamVersion);
    expect((await events(`meeting:${meetingId}`)).map((e) => e.type).slice(1)).toEqual([
      'meetings.AgendaItemAdded',
      'meetings.AgendaItemAdded',
      'meetings.AgendaItemRemoved',
      'meetings.AgendaPublished',
    ]);
    expect((await events(`meeting:${meetingId}`)).at(-1)?.payload).toEqual({
      meetingId,
      threatIds: [kestrel],
    });
  });

  it('refuses bad input, strangers, stale versions and final minutes, appending nothing', async () => {
    const meetingId = await schedule();
    const agenda = `/meetings/${meetingId}/agenda`;
    const item = { threatId: randomUUID(), ownerOrganisationId: org.cleveland };
    const { body: added } = await as.chair.post(agenda).send(item).expect(200);
    await refused(
      [() => as.chair.post(agenda).send({ ...item, surprise: 1 }), 400],
      [() => as.chair.post(agenda).send({ threatId: 'kestrel' }), 400],
      [() => as.chair.post(agenda).send({ ...item, addedOn: day(3) }), 422],
      [() => as.chair.delete(`${agenda}/${randomUUID()}`), 404],
      [
        () =>
          as.chair
            .post(`${agenda}/publication`)
            .set('if-match', String(added.streamVersion - 1))
            .send({}),
        409,
      ],
      [() => as.otherChair.post(agenda).send(item), 404],
      [() => as.councilOfficer.post(agenda).send(item), 403],
    );
    const empty = await schedule();
    const [nothing] = await refused([
      () => as.chair.post(`/meetings/${empty}/agenda/publication`).send({}),
      422,
    ]);
    expect(nothing.body.detail).toMatch(/at least one threat/);
    await as.chair
      .post(`/meetings/${meetingId}/minutes/finalisation`)
      .send({ summary: 'Reviewed' })
      .expect(200);
    await refused([() => as.chair.post(agenda).send({ ...item, threatId: randomUUID() }), 409]);
  });

  it('refuses threats the chair’s organisation cannot see, or named with the wrong holder', async () => {
    const meetingId = await schedule();
    const agenda = `/meetings/${meetingId}/agenda`;
    const unshared = await registerThreat(org.durham);
    const sensitive = await registerThreat(org.durham, { marking: 'OFFICIAL-SENSITIVE' });
    const shared = await registerThreat(org.durham);
    for (const { threatId, analyst } of [sensitive, shared]) {
      const { body } = await analyst
        .post(`/threats/${threatId}/plan/shares`)
        .send({ organisationIds: [org.cleveland] })
        .expect(200);
      await meetingsReached(body.globalPosition);
    }
    const durhams = (threatId: string) => ({ threatId, ownerOrganisationId: org.durham });
    const answers = await refused(
      [() => as.chair.post(agenda).send(durhams(unshared.threatId)), 422],
      [() => as.chair.post(agenda).send(durhams(sensitive.threatId)), 422],
      [
        () =>
          as.chair
            .post(agenda)
            .send({ ...durhams(shared.threatId), ownerOrganisationId: org.cleveland }),
        422,
      ],
    );
    expect(answers.map((a) => a.body.detail)).toEqual([
      expect.stringContaining(`not one the chair's organisation (${org.cleveland}) can see`),
      expect.stringContaining(`not one the chair's organisation (${org.cleveland}) can see`),
      expect.stringContaining(`held by ${org.durham}, not ${org.cleveland}`),
    ]);
    await as.chair.post(agenda).send(durhams(shared.threatId)).expect(200);
    expect((await events(`meeting:${meetingId}`)).map((e) => e.type)).toEqual([
      'meetings.MeetingScheduled',
      'meetings.AgendaItemAdded',
    ]);
  });
});
