import { randomUUID } from 'node:crypto';
import type { GlobalLogSealer } from '@soc/event-store';
import type { AccessContext } from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import {
  auditor,
  CLEVELAND,
  clevelandAnalyst,
  hartlepoolOfficer,
  moderator,
  stranger,
  threatViewsScenario,
} from '../../test/threat-views.scenario.js';
import { renderPlanHtml } from './plan-html.js';
import { GetPlanOnAPageHandler, GetPlanOnAPageQuery } from './plan-on-a-page.query.js';

describe('the plan on a page, as the caller (real PostgreSQL, row-level security)', () => {
  let db: TestDatabase;
  let sealer: GlobalLogSealer;
  let scenario: Awaited<ReturnType<typeof threatViewsScenario>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const eventStore = eventStoreFor(db.pool);
    sealer = eventStore.sealer;
    scenario = await threatViewsScenario(db.pool, eventStore.store);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const planFor = (access: AccessContext, threatId: string) =>
    new GetPlanOnAPageHandler(scenario.views, scenario.cipher).execute(
      new GetPlanOnAPageQuery(access, threatId, {}),
    );

  it('tells an organisation with no relation that a signposted threat exists, and nothing of the others', async () => {
    await expect(planFor(stranger, scenario.ids.kestrel)).rejects.toMatchObject({
      status: 403,
      code: 'signposted',
      holderOrganisationId: CLEVELAND,
    });
    const notFound = { status: 404, code: 'not-found' };
    await expect(planFor(stranger, scenario.ids.hidden)).rejects.toMatchObject(notFound);
    await expect(planFor(stranger, randomUUID())).rejects.toMatchObject(notFound);
    expect(await scenario.accessLog(stranger.requestId)).toEqual([]);
  });

  it('opens names for the owner, shows erased ones as erased, and logs the consultation', async () => {
    const plan = await planFor(clevelandAnalyst, scenario.ids.kestrel);
    expect(plan).toMatchObject({
      codeName: 'OPERATION <KESTREL>',
      criminalActivity: 'Deal line <script>alert("x")</script> & cuckooing',
      reviewDate: '2022-01-01',
      reviewOverdue: true,
      trend: 'up',
      currentAssessment: { assessmentId: 'a-2', stale: false },
      preparedFor: CLEVELAND,
      preparedOn: '2022-01-10',
    });
    expect(plan.people).toEqual([
      {
        involvementId: 'inv-1',
        subjectId: scenario.subjects[0],
        name: 'John Smith',
        erased: false,
        role: 'principal',
      },
      {
        involvementId: 'inv-2',
        subjectId: scenario.subjects[1],
        name: 'Jane <b>Doe</b>',
        erased: false,
        role: 'associate',
      },
      {
        involvementId: 'inv-3',
        subjectId: scenario.subjects[2],
        name: null,
        erased: true,
        role: 'associate',
      },
    ]);
    expect(plan.actions.map((a) => [a.actionId, a.status, a.pastDue])).toEqual([
      ['x-3', 'done', false],
      ['x-1', 'in-progress', true],
      ['x-2', 'agreed', false],
    ]);
    expect(plan.actions[1].progress).toEqual([
      {
        note: 'Visited the flat',
        on: '2021-12-20',
        recordedAt: '2021-12-20T09:00:00.000Z',
        recordedBy: { personId: 'analyst-1', organisationId: CLEVELAND },
      },
    ]);
    expect(await scenario.accessLog(clevelandAnalyst.requestId)).toEqual([
      {
        operation: 'consultation',
        record_type: 'threat-plan',
        record_id: scenario.ids.kestrel,
        subject_ids: [scenario.subjects[0], scenario.subjects[1]],
        disclosed_to: null,
        purpose: 'MARSOC meeting preparation',
      },
    ]);
  });

  it('shows a partner only its own actions, and logs the disclosure to it', async () => {
    const plan = await planFor(hartlepoolOfficer, scenario.ids.kestrel);
    expect(plan.actions.map((a) => a.actionId)).toEqual(['x-1']);
    expect(plan.actions[0].progress.map((p) => p.note)).toEqual(['Visited the flat']);
    expect(plan.people.map((p) => p.name)).toEqual(['John Smith', 'Jane <b>Doe</b>', null]);
    expect(JSON.stringify(plan)).not.toMatch(/x-2|Tenancy|x-3|Warrant/);
    expect(await scenario.accessLog(hartlepoolOfficer.requestId)).toMatchObject([
      {
        operation: 'disclosure',
        disclosed_to: 'hartlepool-bc',
        subject_ids: [scenario.subjects[0], scenario.subjects[1]],
      },
    ]);
  });

  it('is refused to a moderator of another organisation', async () => {
    // Kestrel's owner allows signposting: the answer says whom to ask.
    await expect(planFor(moderator, scenario.ids.kestrel)).rejects.toMatchObject({
      status: 403,
      code: 'signposted',
      holderOrganisationId: CLEVELAND,
    });
    await expect(planFor(moderator, scenario.ids.hidden)).rejects.toMatchObject({
      status: 403,
      code: 'access-denied',
    });
  });

  it('shows auditors every action', async () => {
    const plan = await planFor(auditor, scenario.ids.kestrel);
    expect(plan.actions).toHaveLength(3);
  });

  it('renders as a printable page of the same content, every value escaped', async () => {
    const plan = await planFor(hartlepoolOfficer, scenario.ids.kestrel);
    const html = renderPlanHtml(plan);
    expect(html).toContain('OPERATION &lt;KESTREL&gt;');
    expect(html).toContain(
      'Deal line &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; cuckooing',
    );
    expect(html).toContain('Jane &lt;b&gt;Doe&lt;/b&gt;');
    expect(html).not.toMatch(/<script|<b>|Tenancy/);
    expect(html).toContain('Prepared for hartlepool-bc on 2022-01-10');
    expect(html.match(/<div class="marking">OFFICIAL<\/div>/g)).toHaveLength(2);
  });
});
