import { randomUUID } from 'node:crypto';
import { isoDate } from '@soc/platform';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from '../../../../test/support/test-app.js';

const DAY = 86_400_000;
const day = (offset: number) => isoDate(new Date(Date.now() + offset * DAY));

/** Scheduling and running a meeting over HTTP on real PostgreSQL. */
describe('meeting commands over HTTP (real PostgreSQL)', () => {
  let t: TestApp;
  const run = randomUUID().slice(0, 6);
  const org = {
    cleveland: `cleveland-police-${run}`,
    council: `hartlepool-bc-${run}`,
    probation: `probation-${run}`,
    durham: `durham-constabulary-${run}`,
  };
  const as = {} as Record<'chair' | 'lro' | 'otherChair' | 'councilOfficer', AuthenticatedAgent>;
  const chairRef = { personId: `chair-${run}`, organisationId: org.cleveland };

  const schedule = async (overrides: Record<string, unknown> = {}) => {
    const { body } = await as.chair
      .post('/meetings')
      .send({
        kind: 'marsoc',
        title: 'Cleveland MARSOC, December',
        chair: chairRef,
        heldOn: day(7),
        place: 'Middlesbrough, Ladgate Lane',
        invitedOrganisationIds: [org.council, org.probation],
        confidentialityStatement: 'Shared for the purposes of this meeting only',
        ...overrides,
      })
      .expect(201);
    return body as { meetingId: string; streamVersion: number };
  };
  const events = async (meetingId: string) => {
    const { rows } = await t.db.pool.query<{ type: string; occurred: string; payload: never }>(
      `SELECT event_type AS type, payload,
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS occurred
         FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
      [`meeting:${meetingId}`],
    );
    return rows;
  };
  const attend = (meetingId: string, body: Record<string, unknown>) =>
    as.chair.post(`/meetings/${meetingId}/attendance`).send({
      organisationId: org.probation,
      personId: `probation-officer-${run}`,
      attendance: 'present',
      acceptedConfidentiality: true,
      ...body,
    });

  beforeAll(async () => {
    t = await startTestApp();
    as.chair = await t.as(principal(org.cleveland, ['meeting-chair'], chairRef.personId));
    as.lro = await t.as(principal(org.cleveland, ['lro']));
    as.otherChair = await t.as(principal(org.durham, ['meeting-chair']));
    as.councilOfficer = await t.as(principal(org.council, ['partner-officer']));
  });
  afterAll(() => t?.close());

  it('schedules a meeting chaired by the caller’s organisation, which is invited with the others', async () => {
    const { meetingId, streamVersion } = await schedule();
    expect(streamVersion).toBe(1);
    const [scheduled] = await events(meetingId);
    expect(scheduled).toMatchObject({
      type: 'meetings.MeetingScheduled',
      occurred: day(0),
      payload: {
        chair: chairRef,
        invitedOrganisationIds: [org.cleveland, org.council, org.probation],
      },
    });
    await as.chair
      .post(`/meetings/${meetingId}/invitations`)
      .send({ organisationIds: ['hmrc', org.council] })
      .expect(200);
    expect((await events(meetingId)).at(-1)?.payload).toEqual({
      meetingId,
      organisationIds: ['hmrc'],
    });
  });

  it('lets only a chair of the organisation schedule and run it', async () => {
    const before = await t.eventCount();
    await as.lro.post('/meetings').send({}).expect(403);
    await as.otherChair
      .post('/meetings')
      .send({
        kind: 'marsoc',
        title: 'Not theirs',
        chair: chairRef,
        heldOn: day(7),
        place: 'Durham',
        invitedOrganisationIds: [],
        confidentialityStatement: 'Shared for the purposes of this meeting only',
      })
      .expect(403);
    expect(await t.eventCount()).toBe(before);
    const { meetingId } = await schedule();
    await as.otherChair
      .post(`/meetings/${meetingId}/invitations`)
      .send({ organisationIds: [org.durham] })
      .expect(404);
    await as.councilOfficer
      .post(`/meetings/${meetingId}/invitations`)
      .send({ organisationIds: [org.durham] })
      .expect(403);
  });

  it('records attendance: an invited organisation, which accepted the confidentiality statement', async () => {
    const { meetingId } = await schedule();
    await attend(meetingId, {}).expect(200);
    const before = await t.eventCount();
    const refusals = [
      await attend(meetingId, { acceptedConfidentiality: false }).expect(422),
      await attend(meetingId, { organisationId: org.durham }).expect(422),
      await attend(meetingId, { attendance: 'asleep' }).expect(400),
      await attend(meetingId, { surprise: true }).expect(400),
    ];
    expect(refusals.map((r) => r.headers['content-type'])).toEqual(
      refusals.map(() => expect.stringMatching(/application\/problem\+json/)),
    );
    expect(refusals[1].body.detail).toMatch(new RegExp(`not invited.*${org.durham}`));
    expect(await t.eventCount()).toBe(before);
  });

  it('dates the record of a meeting held last week on the day it was held', async () => {
    const { meetingId } = await schedule({ heldOn: day(-6) });
    await attend(meetingId, {}).expect(200);
    await as.chair
      .post(`/meetings/${meetingId}/minutes/finalisation`)
      .send({ summary: 'Two actions agreed' })
      .expect(200);
    expect((await events(meetingId)).map((e) => [e.type, e.occurred])).toEqual([
      ['meetings.MeetingScheduled', day(-6)],
      ['meetings.AttendanceRecorded', day(-6)],
      ['meetings.MinutesFinalised', day(0)],
    ]);
  });

  it('changes nothing in place once the minutes are final: corrections only, at the version seen', async () => {
    const { meetingId } = await schedule({ heldOn: day(0) });
    const { body: final } = await as.chair
      .post(`/meetings/${meetingId}/minutes/finalisation`)
      .send({ summary: 'No actions' })
      .expect(200);
    const before = await t.eventCount();
    const late = await attend(meetingId, {}).expect(409);
    expect(late.body.detail).toMatch(/correction/);
    await as.chair
      .post(`/meetings/${meetingId}/minutes/corrections`)
      .set('if-match', String(final.streamVersion - 1))
      .send({ correction: 'The probation officer attended' })
      .expect(409);
    expect(await t.eventCount()).toBe(before);
    await as.chair
      .post(`/meetings/${meetingId}/minutes/corrections`)
      .set('if-match', String(final.streamVersion))
      .send({ correction: 'The probation officer attended' })
      .expect(200);
  });
});
