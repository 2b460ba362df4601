import { day, meetingsHarness } from '../../test/meeting-commands.setup.js';
import { weekOf } from './iso-week.js';

const DAY = 86_400_000;
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

describe('the overdue digest, over HTTP (real PostgreSQL)', () => {
  const { as, org, meetingWithThreat, actionBody, sharedPlan, planAction } = meetingsHarness();
  const thisWeek = weekOf(day(0));
  const nextWeek = weekOf(plus(thisWeek.to, 1));
  const actions: Record<string, string> = {};
  let minPosition = 0;

  beforeAll(async () => {
    const { meetingId, threatId } = await meetingWithThreat({ heldOn: day(-60) });
    const agree = async (name: string, dueDate: string, leadOrganisationId = org.council) => {
      const { body } = await as.chair
        .post(`/meetings/${meetingId}/actions`)
        .send(
          actionBody(threatId, {
            description: `${name}; checked, at last`,
            dueDate,
            leadOrganisationId,
            supportingOrganisationIds: [],
            pointOfContact: { personId: `officer-${name}`, organisationId: leadOrganisationId },
          }),
        )
        .expect(201);
      actions[name] = body.actionId;
      minPosition = Math.max(minPosition, body.globalPosition);
    };
    await agree('overdue', plus(thisWeek.from, -10));
    await agree('done', plus(thisWeek.from, -5));
    await agree('sunday', thisWeek.to);
    await agree('next', plus(nextWeek.from, 2));
    await agree('housing', thisWeek.from, org.housing);
    const { body } = await as.councilOfficer
      .post(`/actions/${actions.done}/completion`)
      .send({ outcome: 'Done' })
      .expect(200);
    minPosition = Math.max(minPosition, body.globalPosition);

    const plan = await sharedPlan('OPERATION DIGEST', [org.council, org.housing]);
    const add = async (name: string, dueDate: string, owner = org.council) => {
      const added = await planAction(plan, owner, { description: name, dueDate }, day(-50));
      actions[name] = added.actionId;
      minPosition = Math.max(minPosition, added.globalPosition);
    };
    await add('plan overdue', plus(thisWeek.from, -3));
    await add('plan monday', thisWeek.from);
    await add('plan cancelled', thisWeek.from);
    await add('plan housing', thisWeek.to, org.housing);
    await add('plan next', nextWeek.to);
    const cancelled = await as.councilOfficer
      .post(`/threats/${plan.threatId}/actions/${actions['plan cancelled']}/cancellation`)
      .send({ reason: 'The tenant moved out' })
      .expect(200);
    minPosition = Math.max(minPosition, cancelled.body.globalPosition);
  });

  const digest = async (query: Record<string, string | number> = {}) =>
    (
      await as.councilOfficer
        .get('/views/my-actions/digest')
        .query({ minPosition, ...query })
        .expect(200)
    ).body;
  const names = (list: { actionId: string }[]) =>
    list.map((a) => Object.keys(actions).find((name) => actions[name] === a.actionId));

  it('lists this week’s due actions and the overdue ones of meetings and plans, neither completed nor cancelled', async () => {
    const body = await digest();
    expect(body).toMatchObject({
      ...thisWeek,
      asOf: day(0),
      organisationId: org.council,
      counts: { overdue: 2, dueThisWeek: 2 },
    });
    expect(names(body.overdue)).toEqual(['overdue', 'plan overdue']);
    expect(names(body.dueThisWeek)).toEqual(['plan monday', 'sunday']);
    expect(body.overdue.map((a: { kind: string }) => a.kind)).toEqual([
      'partner-action',
      'plan-action',
    ]);
    expect(body.overdue[1]).toMatchObject({
      meeting: null,
      plan: { codeName: 'OPERATION DIGEST' },
      dueDate: plus(thisWeek.from, -3),
      overdue: true,
      role: 'lead',
    });
  });

  it('stands on the first day of a week to come', async () => {
    const body = await digest({ week: nextWeek.week });
    expect(body).toMatchObject({ ...nextWeek, asOf: nextWeek.from });
    expect(names(body.overdue)).toEqual(['overdue', 'plan overdue', 'plan monday', 'sunday']);
    expect(names(body.dueThisWeek)).toEqual(['next', 'plan next']);
  });

  it('refuses a week that is not one', async () => {
    await as.councilOfficer.get('/views/my-actions/digest').query({ week: '2026-50' }).expect(400);
    await as.councilOfficer.get('/views/my-actions/digest').query({ week: '2025-W53' }).expect(400);
  });
});
