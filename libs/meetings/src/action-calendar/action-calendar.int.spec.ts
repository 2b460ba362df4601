import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';

describe('the actions calendar feed, over HTTP (real PostgreSQL)', () => {
  const { t, as, org, meetingWithThreat, actionBody, sharedPlan, planAction } = meetingsHarness();
  const actions: Record<string, string> = {};
  let minPosition = 0;

  beforeAll(async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-30) });
    const agree = async (name: string, leadOrganisationId: string, dueDate: string) => {
      const { body } = await as.chair
        .post(`/meetings/${meetingId}/actions`)
        .send(
          actionBody(threatId, {
            description: `${name}: visit; then report, with notes\\files`,
            leadOrganisationId,
            supportingOrganisationIds: [],
            pointOfContact: { personId: `officer-${name}`, organisationId: leadOrganisationId },
            dueDate,
          }),
        )
        .expect(201);
      actions[name] = body.actionId;
      minPosition = Math.max(minPosition, body.globalPosition);
    };
    await agree('late', org.council, day(-3));
    await agree('soon', org.council, day(4));
    await agree('done', org.council, day(2));
    await agree('housing', org.housing, day(5));
    const { body } = await as.councilOfficer
      .post(`/actions/${actions.done}/completion`)
      .send({ outcome: 'Done' })
      .expect(200);
    minPosition = Math.max(minPosition, body.globalPosition);

    const plan = await sharedPlan('OPERATION CALENDAR', [org.council, org.housing]);
    const add = async (name: string, owner: string, dueDate: string) => {
      const added = await planAction(plan, owner, { description: name, dueDate }, day(-20));
      actions[name] = added.actionId;
      minPosition = Math.max(minPosition, added.globalPosition);
    };
    await add('plan-late', org.council, day(-2));
    await add('plan-done', org.council, day(3));
    await add('plan-housing', org.housing, day(6));
    const completed = await as.councilOfficer
      .post(`/threats/${plan.threatId}/actions/${actions['plan-done']}/completion`)
      .send({ outcome: 'Done' })
      .expect(200);
    minPosition = Math.max(minPosition, completed.body.globalPosition);
    await as.councilOfficer.get('/views/my-actions').query({ minPosition }).expect(200);
  });

  const feed = (url: string) => t().http().get(url);
  /** Each event's kind of action and the name the test gave it. */
  const uids = (text: string) =>
    [...text.matchAll(/^UID:(partner-action|plan-action)-(.+)@soc-partnership\r$/gm)].map(
      (m) => `${m[1]} ${Object.keys(actions).find((name) => actions[name] === m[2])}`,
    );

  it('serves, without a bearer header, the organisation’s open actions of meetings and plans on their due dates', async () => {
    const { body } = await as.councilOfficer.post('/views/my-actions/calendar-token').expect(201);
    expect(body.url).toBe(`/views/my-actions/calendar/${body.token}`);
    const answer = await feed(body.url).expect(200);
    expect(answer.headers['content-type']).toMatch(/^text\/calendar/);
    const text = answer.text;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(uids(text).sort()).toEqual([
      'partner-action late',
      'partner-action soon',
      'plan-action plan-late',
    ]);
    expect(text).toContain(`DTSTART;VALUE=DATE:${day(4).replaceAll('-', '')}\r\n`);
    expect(text.replace(/\r\n /g, '')).toContain(
      'SUMMARY:Overdue: late: visit\\; then report\\, with notes\\\\files\r\n',
    );
    expect(text.replace(/\r\n /g, '')).toContain(
      `DESCRIPTION:Plan: OPERATION CALENDAR\\nLead: ${org.council}\\nStatus: agreed\r\n`,
    );
  });

  it('stops serving a token once another is issued or it is revoked', async () => {
    const first = (await as.housingOfficer.post('/views/my-actions/calendar-token').expect(201))
      .body;
    const second = (await as.housingOfficer.post('/views/my-actions/calendar-token').expect(201))
      .body;
    const notFound = await feed(first.url).expect(404);
    expect(notFound.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(uids((await feed(second.url).expect(200)).text)).toEqual([
      'partner-action housing',
      'plan-action plan-housing',
    ]);

    await as.housingOfficer.delete('/views/my-actions/calendar-token').expect(204);
    await feed(second.url).expect(404);
    await feed('/views/my-actions/calendar/not-a-token').expect(404);
  });

  it('keeps only a hash of each token', async () => {
    const { body } = await as.councilOfficer.post('/views/my-actions/calendar-token').expect(201);
    const { rows } = await t().db.pool.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(f) AS row FROM security.feed_tokens f
        WHERE token_hash = sha256(convert_to($1, 'UTF8'))`,
      [body.token],
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0].row)).not.toContain(body.token);
  });
});
