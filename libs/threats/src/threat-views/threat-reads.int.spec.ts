import { randomBytes, randomUUID } from 'node:crypto';
import {
  ActionAgreed,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type ActionCategory,
  eventOf,
  type PersonRef,
  PlanPersonAdded,
  PlanShared,
  PlanUpdated,
  ThreatClosed,
  type ThreatRegisteredV1,
} from '@soc/contracts';
import type { EventStore, GlobalLogSealer } from '@soc/event-store';
import { type DeliveryRuntime, rebuildProjection } from '@soc/messaging';
import {
  type AccessContext,
  PersonalDataAccessLog,
  PersonalDataCipher,
  type Role,
  ScopedReader,
  SubjectKeyStore,
} from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import type { ThreatEvent } from '../threat/threat.js';
import { renderPlanHtml } from './plan-html.js';
import { DEFAULT_THREAT_VIEW_SETTINGS } from './threat-view-settings.js';
import { ThreatReads } from './threat-reads.js';
import {
  assessed,
  at,
  lroOf,
  moderated,
  registered,
  Timeline,
} from '../../test/threat-views.fixtures.js';
import { threatsProjection } from './threats.projection.js';

const CLEVELAND = 'cleveland-police';
const DURHAM = 'durham-constabulary';
const lro = lroOf(CLEVELAND);
const hartlepool = { personId: 'hartlepool-bc-officer', organisationId: 'hartlepool-bc' };
const redcar = { personId: 'redcar-housing-officer', organisationId: 'redcar-housing' };

const as = (organisationId: string, roles: Role[], personId = `${roles[0]}-${organisationId}`) =>
  ({
    principal: { personId, organisationId, roles },
    purpose: 'MARSOC meeting preparation',
    requestId: randomUUID(),
  }) satisfies AccessContext;

const clevelandAnalyst = as(CLEVELAND, ['analyst']);
const clevelandLro = as(CLEVELAND, ['lro'], lro.personId);
const stranger = as('sunderland-trading-standards', ['partner-officer', 'lro', 'analyst']);
const hartlepoolOfficer = as('hartlepool-bc', ['partner-officer'], hartlepool.personId);
const moderator = as('nersou', ['rocta-moderator']);
const auditor = as('hmicfrs', ['auditor']);

const proposed = (
  actionId: string,
  owner: PersonRef,
  dueDate: string,
  category: ActionCategory = 'pursue',
) => ({ actionId, owner, dueDate, category });

describe('threat reads, as the caller (real PostgreSQL, row-level security)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let keys: SubjectKeyStore;
  let reads: ThreatReads;
  const ids = {
    kestrel: randomUUID(),
    hidden: randomUUID(),
    sensitive: randomUUID(),
    partnerLed: randomUUID(),
    closed: randomUUID(),
    calm: randomUUID(),
  };
  const subjects = [1, 2, 3].map(() => `subject:${randomUUID()}`);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    keys = new SubjectKeyStore(db.pool, randomBytes(32));
    const cipher = new PersonalDataCipher(keys);
    const timeline = new Timeline(store);
    const record = (threatId: string, occurredAt: string, events: ThreatEvent[]) =>
      timeline.record(threatId, occurredAt, events);
    const register = (threatId: string, owner: string, overrides: Partial<ThreatRegisteredV1>) =>
      record(threatId, at('2021-03-01'), [registered(owner, overrides)(threatId)]);
    const actions = async (
      threatId: string,
      occurredAt: string,
      list: ReturnType<typeof proposed>[],
    ) =>
      record(
        threatId,
        occurredAt,
        list.map((a) =>
          eventOf(ActionProposed, { threatId, description: `Action ${a.actionId}`, ...a }),
        ),
      );

    // Kestrel: Cleveland's, shared with two partners; review overdue, an action past due.
    const k = ids.kestrel;
    await register(k, CLEVELAND, {
      codeName: 'OPERATION <KESTREL>',
      signposting: true,
      tier: 2,
    });
    await record(k, at('2021-06-01'), [assessed('a-1', 1000, '2021-05-01')(k)]);
    await record(k, at('2021-06-10'), [moderated('a-1')(k)]);
    await record(k, at('2021-12-05'), [assessed('a-2', 1200, '2021-12-01')(k)]);
    await record(k, at('2021-12-06'), [
      eventOf(PlanUpdated, {
        threatId: k,
        criminalActivity: 'Deal line <script>alert("x")</script> & cuckooing',
        placesAffected: ['Hartlepool'],
        risks: ['Task team withdrawn in March'],
        reviewDate: '2022-01-01',
      }),
      eventOf(PlanShared, { threatId: k, organisationIds: ['hartlepool-bc', 'redcar-housing'] }),
    ]);
    const names = ['John Smith', 'Jane <b>Doe</b>', 'Erased Person'];
    for (const [i, subjectId] of subjects.entries()) {
      await record(k, at('2021-12-07'), [
        eventOf(PlanPersonAdded, {
          threatId: k,
          involvementId: `inv-${i + 1}`,
          subjectId,
          name: await cipher.seal(subjectId, names[i]),
          role: i === 0 ? 'principal' : 'associate',
        }),
      ]);
    }
    await keys.erase(subjects[2], {
      personId: 'cleveland-police-admin',
      organisationId: CLEVELAND,
      reason: 'Retention period ended',
    });
    await actions(k, at('2021-12-08'), [
      proposed('x-1', hartlepool, '2021-12-31', 'prevent'),
      proposed('x-2', redcar, '2022-03-01', 'protect'),
      proposed('x-3', lro, '2021-11-01'),
    ]);
    await record(k, at('2021-12-09'), [
      eventOf(ActionAgreed, { threatId: k, actionId: 'x-1' }),
      eventOf(ActionStarted, { threatId: k, actionId: 'x-1' }),
      eventOf(ActionAgreed, { threatId: k, actionId: 'x-2' }),
      eventOf(ActionAgreed, { threatId: k, actionId: 'x-3' }),
      eventOf(ActionCompleted, { threatId: k, actionId: 'x-3', outcome: 'Warrant executed' }),
    ]);
    for (const [actionId, note] of [
      ['x-1', 'Visited the flat'],
      ['x-2', 'Tenancy review booked'],
    ]) {
      await record(k, at('2021-12-20'), [
        eventOf(ActionProgressRecorded, { threatId: k, actionId, note, on: '2021-12-20' }),
      ]);
    }

    // Hidden: Cleveland's, not shared, no signposting; stale and quiet.
    await register(ids.hidden, CLEVELAND, { codeName: 'OPERATION HIDDEN', tier: 3 });
    await record(ids.hidden, at('2021-03-02'), [
      assessed('a-1', 700, '2021-01-01')(ids.hidden),
      eventOf(PlanUpdated, {
        threatId: ids.hidden,
        criminalActivity: 'Money laundering through car washes',
        placesAffected: [],
        risks: [],
        reviewDate: '2022-06-01',
      }),
    ]);
    await record(ids.hidden, at('2021-03-03'), [moderated('a-1')(ids.hidden)]);

    // Sensitive: Durham's, OFFICIAL-SENSITIVE, shared with Hartlepool but not disclosed to it.
    await register(ids.sensitive, DURHAM, {
      codeName: 'OPERATION SENSITIVE',
      lro: lroOf(DURHAM),
      marking: 'OFFICIAL-SENSITIVE',
      signposting: true,
    });
    await record(ids.sensitive, at('2021-04-01'), [
      eventOf(PlanShared, { threatId: ids.sensitive, organisationIds: ['hartlepool-bc'] }),
    ]);

    // Partner-led: NERSOU's, with Cleveland's LRO; two actions past due, recent activity.
    await register(ids.partnerLed, 'nersou', { codeName: 'OPERATION PARTNER', tier: 1, lro });
    await actions(ids.partnerLed, at('2022-01-05'), [
      proposed('y-1', lro, '2022-01-01'),
      proposed('y-2', lro, '2022-01-02'),
      proposed('y-3', lro, '2022-02-01'),
    ]);

    // Closed: not among the LRO's plans.
    await register(ids.closed, CLEVELAND, { codeName: 'OPERATION CLOSED', phase: 'active' });
    await record(ids.closed, at('2021-05-01'), [
      eventOf(ThreatClosed, { threatId: ids.closed, reason: 'Dismantled' }),
    ]);

    // Calm: nothing stands out.
    await register(ids.calm, CLEVELAND, {
      codeName: 'OPERATION CALM',
      tier: 4,
      type: 'strategic',
      priorityArea: 'economic-crime',
    });
    await record(ids.calm, at('2022-01-03'), [
      assessed('a-1', 400, '2021-12-15')(ids.calm),
      eventOf(PlanUpdated, {
        threatId: ids.calm,
        criminalActivity: 'Fraud',
        placesAffected: [],
        risks: [],
        reviewDate: '2022-05-01',
      }),
    ]);
    await timeline.settle();
    await rebuildProjection(db.pool, store, threatsProjection);

    reads = new ThreatReads(
      new ScopedReader(db.pool, new PersonalDataAccessLog(db.pool)),
      cipher,
      {} as DeliveryRuntime,
      { now: () => new Date('2022-01-10T12:00:00Z') },
      DEFAULT_THREAT_VIEW_SETTINGS,
    );
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const codeNames = async (access: AccessContext, query = {}) =>
    (await reads.list(access, query)).map((t) => t.codeName);
  const accessLog = async (requestId: string | null) =>
    (
      await db.pool.query<{
        operation: string;
        record_type: string;
        record_id: string;
        subject_ids: string[];
        disclosed_to: string | null;
        purpose: string;
      }>(
        `SELECT operation, record_type, record_id, subject_ids, disclosed_to, purpose
           FROM security.personal_data_access_log WHERE request_id = $1`,
        [requestId],
      )
    ).rows;

  describe('an organisation with no relation to any threat', () => {
    it('finds no rows in any table that names or describes a threat', async () => {
      const reader = new ScopedReader(db.pool, new PersonalDataAccessLog(db.pool));
      const counts = await reader.read(stranger, async (client) => {
        const result: Record<string, number> = {};
        for (const table of threatsProjection.tables) {
          const { rows } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM threats.${table}`,
          );
          result[table] = rows[0].n;
        }
        return result;
      });
      expect(counts).toMatchObject({
        threats: 0,
        assessments: 0,
        actions: 0,
        action_progress: 0,
        plan_people: 0,
      });
      // No names in these: the counts and the signposts are for everyone.
      expect(counts.threat_states).toBeGreaterThan(0);
      expect(counts.signposts).toBe(2);
    });

    it('lists nothing and leads no plans', async () => {
      await expect(reads.list(stranger, {})).resolves.toEqual([]);
      await expect(reads.myPlans(stranger, {})).resolves.toEqual([]);
    });

    it('is told a signposted threat exists and who holds it, and nothing of the others', async () => {
      const signposted = { status: 403, code: 'signposted', holderOrganisationId: CLEVELAND };
      await expect(reads.threat(stranger, {}, ids.kestrel)).rejects.toMatchObject(signposted);
      await expect(reads.plan(stranger, {}, ids.kestrel)).rejects.toMatchObject(signposted);
      const notFound = { status: 404, code: 'not-found' };
      await expect(reads.threat(stranger, {}, ids.hidden)).rejects.toMatchObject(notFound);
      await expect(reads.plan(stranger, {}, ids.hidden)).rejects.toMatchObject(notFound);
      await expect(reads.threat(stranger, {}, randomUUID())).rejects.toMatchObject(notFound);
      expect(await accessLog(stranger.requestId)).toEqual([]);
    });

    it('still sees the regional counts', async () => {
      await expect(reads.counts(stranger, {}, '2022-01-10')).resolves.toEqual({
        asOf: '2022-01-10',
        total: 1,
        byOrganisation: [{ organisationId: CLEVELAND, count: 1 }],
      });
    });
  });

  describe('the master list', () => {
    it('shows the owner its threats and those its LRO leads, with score, moderation and staleness', async () => {
      const list = await reads.list(clevelandAnalyst, {});
      expect(list.map((t) => t.codeName)).toEqual([
        'OPERATION <KESTREL>',
        'OPERATION CALM',
        'OPERATION CLOSED',
        'OPERATION HIDDEN',
        'OPERATION PARTNER',
      ]);
      expect(list[0]).toMatchObject({
        threatId: ids.kestrel,
        ownerOrganisationId: CLEVELAND,
        currentScore: 1200,
        moderationStatus: 'unmoderated',
        intelligenceDate: '2021-12-01',
        stale: false,
        reviewDate: '2022-01-01',
        lro,
      });
      expect(list.find((t) => t.threatId === ids.hidden)).toMatchObject({
        currentScore: 700,
        stale: true,
      });
      expect(list.find((t) => t.threatId === ids.partnerLed)).toMatchObject({
        currentScore: null,
        moderationStatus: null,
        stale: false,
      });
    });

    it('filters by owner, priority area, type, tier, phase and staleness', async () => {
      const cleveland = clevelandAnalyst;
      expect(await codeNames(cleveland, { owner: 'nersou' })).toEqual(['OPERATION PARTNER']);
      expect(await codeNames(cleveland, { priorityArea: 'economic-crime' })).toEqual([
        'OPERATION CALM',
      ]);
      expect(await codeNames(cleveland, { type: 'strategic' })).toEqual(['OPERATION CALM']);
      expect(await codeNames(cleveland, { tier: 1 })).toEqual(['OPERATION PARTNER']);
      expect(await codeNames(cleveland, { phase: 'closed' })).toEqual(['OPERATION CLOSED']);
      expect(await codeNames(cleveland, { stale: true })).toEqual(['OPERATION HIDDEN']);
      expect(await codeNames(cleveland, { stale: false })).toHaveLength(4);
      expect(await codeNames(cleveland, { limit: 2, offset: 1 })).toEqual([
        'OPERATION CALM',
        'OPERATION CLOSED',
      ]);
    });

    it('shows a partner only what is shared with it, never OFFICIAL-SENSITIVE', async () => {
      expect(await codeNames(hartlepoolOfficer)).toEqual(['OPERATION <KESTREL>']);
      await expect(reads.threat(hartlepoolOfficer, {}, ids.sensitive)).rejects.toMatchObject({
        status: 403,
        code: 'signposted',
        holderOrganisationId: DURHAM,
      });
      expect(await codeNames(as(DURHAM, ['analyst']))).toEqual(['OPERATION SENSITIVE']);
    });

    it('shows moderators and auditors every threat', async () => {
      expect(await codeNames(moderator)).toHaveLength(6);
      expect(await codeNames(auditor)).toHaveLength(6);
    });
  });

  describe('a threat', () => {
    it('comes with its assessment history, newest first, and its moderation', async () => {
      const threat = await reads.threat(moderator, {}, ids.kestrel);
      expect(threat).toMatchObject({
        codeName: 'OPERATION <KESTREL>',
        sharedWith: ['hartlepool-bc', 'redcar-housing'],
        signposting: true,
        previousTotalScore: 1000,
        trend: 'up',
        currentAssessment: {
          assessmentId: 'a-2',
          moderationStatus: 'unmoderated',
          stale: false,
          outputs: { totalScore: 1200 },
        },
        lastActivityAt: '2021-12-20T09:00:00.000Z',
      });
      expect(threat.assessments).toMatchObject([
        { assessmentId: 'a-2', stale: false, moderation: { status: 'unmoderated', by: null } },
        {
          assessmentId: 'a-1',
          stale: true,
          moderation: {
            status: 'moderated',
            note: 'Consistent',
            by: { personId: 'analyst-1', organisationId: CLEVELAND },
            at: '2021-06-10T09:00:00.000Z',
          },
        },
      ]);
    });
  });

  describe('the plan on a page', () => {
    it('opens names for the owner, shows erased ones as erased, and logs the consultation', async () => {
      const plan = await reads.plan(clevelandAnalyst, {}, ids.kestrel);
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
          subjectId: subjects[0],
          name: 'John Smith',
          erased: false,
          role: 'principal',
        },
        {
          involvementId: 'inv-2',
          subjectId: subjects[1],
          name: 'Jane <b>Doe</b>',
          erased: false,
          role: 'associate',
        },
        {
          involvementId: 'inv-3',
          subjectId: subjects[2],
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
      expect(await accessLog(clevelandAnalyst.requestId)).toEqual([
        {
          operation: 'consultation',
          record_type: 'threat-plan',
          record_id: ids.kestrel,
          subject_ids: [subjects[0], subjects[1]],
          disclosed_to: null,
          purpose: 'MARSOC meeting preparation',
        },
      ]);
    });

    it('shows a partner only its own actions, and logs the disclosure to it', async () => {
      const plan = await reads.plan(hartlepoolOfficer, {}, ids.kestrel);
      expect(plan.actions.map((a) => a.actionId)).toEqual(['x-1']);
      expect(plan.actions[0].progress.map((p) => p.note)).toEqual(['Visited the flat']);
      expect(plan.people.map((p) => p.name)).toEqual(['John Smith', 'Jane <b>Doe</b>', null]);
      expect(JSON.stringify(plan)).not.toMatch(/x-2|Tenancy|x-3|Warrant/);
      expect(await accessLog(hartlepoolOfficer.requestId)).toMatchObject([
        {
          operation: 'disclosure',
          disclosed_to: 'hartlepool-bc',
          subject_ids: [subjects[0], subjects[1]],
        },
      ]);
    });

    it('is refused to a moderator of another organisation, who may see the threat itself', async () => {
      // Kestrel's owner allows signposting: the answer says whom to ask.
      await expect(reads.plan(moderator, {}, ids.kestrel)).rejects.toMatchObject({
        status: 403,
        code: 'signposted',
        holderOrganisationId: CLEVELAND,
      });
      await expect(reads.plan(moderator, {}, ids.hidden)).rejects.toMatchObject({
        status: 403,
        code: 'access-denied',
      });
      await expect(reads.threat(moderator, {}, ids.hidden)).resolves.toMatchObject({
        codeName: 'OPERATION HIDDEN',
      });
    });

    it('shows auditors every action', async () => {
      const plan = await reads.plan(auditor, {}, ids.kestrel);
      expect(plan.actions).toHaveLength(3);
    });

    it('renders as a printable page of the same content, every value escaped', async () => {
      const plan = await reads.plan(hartlepoolOfficer, {}, ids.kestrel);
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

  describe('my plans', () => {
    it('lists the plans the caller leads, most urgent first, with what stands out', async () => {
      const plans = await reads.myPlans(clevelandLro, {});
      expect(plans.map((p) => p.codeName)).toEqual([
        'OPERATION <KESTREL>', // review overdue
        'OPERATION PARTNER', // two actions past due
        'OPERATION HIDDEN', // stale and quiet
        'OPERATION CALM', // nothing stands out
      ]);
      const [kestrel, partner, hidden, calm] = plans;
      expect(kestrel).toMatchObject({
        nextReviewDate: '2022-01-01',
        latestScore: 1200,
        trend: 'up',
        stale: false,
        reviewOverdue: true,
        actionsPastDue: 1,
        quiet: false,
        actionsByStatus: { proposed: 0, agreed: 1, 'in-progress': 1, done: 1, cancelled: 0 },
        actionsByOwnerOrganisation: [
          { organisationId: CLEVELAND, total: 1, open: 0, pastDue: 0 },
          { organisationId: 'hartlepool-bc', total: 1, open: 1, pastDue: 1 },
          { organisationId: 'redcar-housing', total: 1, open: 1, pastDue: 0 },
        ],
      });
      expect(partner).toMatchObject({
        ownerOrganisationId: 'nersou',
        tier: 1,
        latestScore: null,
        trend: null,
        reviewOverdue: false,
        actionsPastDue: 2,
        actionsByStatus: { proposed: 3 },
        quiet: false,
      });
      expect(hidden).toMatchObject({ stale: true, quiet: true, trend: 'new', actionsPastDue: 0 });
      expect(calm).toMatchObject({ stale: false, quiet: false, reviewOverdue: false, tier: 4 });
    });

    it('is empty for an LRO of the same organisation who leads none', async () => {
      await expect(reads.myPlans(as(CLEVELAND, ['lro'], 'another-lro'), {})).resolves.toEqual([]);
    });
  });
});
