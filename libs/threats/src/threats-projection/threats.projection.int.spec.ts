import { randomBytes, randomUUID } from 'node:crypto';
import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type Actor,
  eventOf,
  PlanPersonAdded,
  PlanPersonRemoved,
  PlanReviewed,
  PlanShared,
  PlanUnshared,
  PlanUpdated,
  ThreatClosed,
  ThreatLroChanged,
  ThreatPhaseChanged,
  ThreatTierChanged,
} from '@soc/contracts';
import type { EventStore, GlobalLogSealer, RecordedEvent } from '@soc/event-store';
import { ensureProjection, rebuildProjection } from '@soc/messaging';
import { isSealed, PersonalDataCipher, SubjectKeyStore } from '@soc/security';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import type { ThreatEvent } from '../threat/threat.js';
import {
  assessed,
  at,
  lroOf,
  moderated,
  registered,
  returned,
  snapshot,
  Timeline,
} from '../../test/threat-views.fixtures.js';
import { threatsProjection } from './threats.projection.js';

const CLEVELAND = 'cleveland-police';
const DURHAM = 'durham-constabulary';
const analyst: Actor = { personId: 'cleveland-police-analyst', organisationId: CLEVELAND };
const moderator: Actor = { personId: 'nersou-moderator', organisationId: 'nersou' };
const partner = { personId: 'hartlepool-bc-officer', organisationId: 'hartlepool-bc' };

describe('threats projection (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let timeline: Timeline;
  let cipher: PersonalDataCipher;
  const kestrel = randomUUID();
  const sensitive = randomUUID();
  const quiet = randomUUID();
  const subject1 = `subject:${randomUUID()}`;
  const subject2 = `subject:${randomUUID()}`;
  /** Global position of the last event before the LRO changes: the first batch ends there. */
  let beforeLroChange = 0;

  const record = (
    threatId: string,
    occurredAt: string,
    events: ThreatEvent[],
    actor: Actor = analyst,
  ) => timeline.record(threatId, occurredAt, events, actor);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    timeline = new Timeline(store);
    cipher = new PersonalDataCipher(new SubjectKeyStore(db.pool, randomBytes(32)));
    const k = kestrel;
    await record(k, at('2021-06-01'), [
      registered(CLEVELAND, { codeName: 'OPERATION KESTREL', signposting: true })(k),
    ]);
    // Other threats' events interleave with Kestrel's in the global order.
    await record(sensitive, at('2021-06-01', '10:00:00'), [
      registered(DURHAM, {
        kind: 'soc-vulnerability',
        place: 'Easington Colliery',
        clearHoldBuildPhase: 'hold',
        marking: 'OFFICIAL-SENSITIVE',
        signposting: true,
      })(sensitive),
    ]);
    await record(k, at('2021-06-02'), [assessed('a-1', 1000, '2021-05-01')(k)]);
    await record(quiet, at('2021-06-03'), [registered('nersou')(quiet)]);
    await record(k, at('2021-06-10'), [moderated('a-1')(k)], moderator);
    await record(k, at('2021-06-15'), [
      eventOf(PlanUpdated, {
        threatId: k,
        criminalActivity: 'Crack cocaine and heroin supplied through a deal line',
        placesAffected: ['Hartlepool', 'Stockton-on-Tees'],
        risks: ['Withdrawal of the task team'],
        reviewDate: '2021-09-01',
      }),
    ]);
    await record(k, at('2021-06-16'), [
      eventOf(PlanShared, { threatId: k, organisationIds: ['hartlepool-bc', 'redcar-housing'] }),
    ]);
    await record(k, at('2021-06-17'), [
      eventOf(PlanPersonAdded, {
        threatId: k,
        involvementId: 'inv-1',
        subjectId: subject1,
        name: await cipher.seal(subject1, 'John Smith'),
        role: 'principal',
      }),
      eventOf(PlanPersonAdded, {
        threatId: k,
        involvementId: 'inv-2',
        subjectId: subject2,
        name: await cipher.seal(subject2, 'Jane Doe'),
        role: 'associate',
      }),
    ]);
    await record(k, at('2021-06-18'), [
      eventOf(ActionProposed, {
        threatId: k,
        actionId: 'x-1',
        category: 'prevent',
        description: 'Closure order on the cuckooed flat',
        owner: partner,
        dueDate: '2021-12-31',
      }),
      eventOf(ActionProposed, {
        threatId: k,
        actionId: 'x-2',
        category: 'pursue',
        description: 'Warrant at the stash house',
        owner: lroOf(CLEVELAND),
        dueDate: '2021-08-01',
      }),
    ]);
    await record(k, at('2021-06-20'), [
      eventOf(ActionAgreed, { threatId: k, actionId: 'x-1' }),
      eventOf(ActionStarted, { threatId: k, actionId: 'x-1' }),
      eventOf(ActionAgreed, { threatId: k, actionId: 'x-2' }),
    ]);
    await record(
      k,
      at('2021-07-01'),
      [
        eventOf(ActionProgressRecorded, {
          threatId: k,
          actionId: 'x-1',
          note: 'Visited the flat',
          on: '2021-07-01',
        }),
      ],
      partner,
    );
    await record(k, at('2021-07-05'), [
      eventOf(ActionCompleted, {
        threatId: k,
        actionId: 'x-2',
        outcome: 'Warrant executed',
        unacknowledgedReferrals: null,
      }),
    ]);
    await record(k, at('2021-08-01'), [assessed('a-2', 1200, '2021-07-20')(k)]);
    await record(k, at('2021-08-05'), [returned('a-2')(k)], moderator);
    await record(k, at('2021-09-01'), [
      eventOf(PlanReviewed, {
        threatId: k,
        reviewedOn: '2021-09-01',
        nextReviewDate: '2021-12-01',
        note: 'On track',
      }),
    ]);
    beforeLroChange = (await record(k, at('2021-09-02'), [
      eventOf(PlanPersonRemoved, { threatId: k, involvementId: 'inv-2', reason: 'Not involved' }),
    ]))!;
    await record(k, at('2021-10-01'), [
      eventOf(ThreatLroChanged, {
        threatId: k,
        lro: lroOf(DURHAM),
        sro: { personId: 'nersou-sro', organisationId: 'nersou' },
      }),
    ]);
    await record(k, at('2021-10-02'), [
      eventOf(PlanUnshared, { threatId: k, organisationIds: ['redcar-housing'] }),
    ]);
    await record(k, at('2021-10-03'), [
      eventOf(ThreatTierChanged, { threatId: k, tier: 1, reason: 'Firearms seen' }),
      eventOf(ThreatPhaseChanged, { threatId: k, phase: 'pursue' }),
    ]);
    await record(
      k,
      at('2021-10-05'),
      [
        eventOf(ActionProgressRecorded, {
          threatId: k,
          actionId: 'x-1',
          note: 'Closure order granted',
          on: '2021-10-05',
        }),
      ],
      partner,
    );
    await record(k, at('2021-11-01'), [
      eventOf(ActionProposed, {
        threatId: k,
        actionId: 'x-3',
        category: 'protect',
        description: 'Target hardening for the neighbours',
        owner: lroOf(DURHAM),
        dueDate: '2021-12-15',
      }),
    ]);
    await record(k, at('2021-11-02'), [
      eventOf(ActionCancelled, { threatId: k, actionId: 'x-3', reason: 'Neighbours moved' }),
    ]);
    await record(k, at('2022-01-05'), [
      eventOf(ThreatClosed, { threatId: k, reason: 'Principal convicted' }),
    ]);
    await timeline.settle();
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  /** Rows as JSON, timestamps in UTC whatever the server's time zone. */
  const rows = async <T>(sql: string, params: unknown[] = []) => {
    const client = await db.pool.connect();
    try {
      await client.query(`SET TIME ZONE 'UTC'`);
      return (await client.query<{ row: T }>(sql, params)).rows.map((r) => r.row);
    } finally {
      client.release();
    }
  };
  const threatRow = async (threatId: string) =>
    (
      await rows<Record<string, unknown>>(
        'SELECT to_jsonb(t) AS row FROM threats.threats t WHERE threat_id = $1',
        [threatId],
      )
    )[0];

  /** Applies events in one transaction, as the runtime does, to the active generation. */
  async function applyBatch(schema: string, events: readonly RecordedEvent[]) {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await threatsProjection.apply(client, schema, events);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  it('folds batches holding many events of the same threat, and later batches onto their rows', async () => {
    const generation = await ensureProjection(db.pool, threatsProjection);
    const events = (await store.readAll({ limit: 10_000 })).filter((e) =>
      threatsProjection.handles.includes(e.type),
    );
    const first = events.filter((e) => e.globalPosition! <= beforeLroChange);
    const ofKestrel = first.filter((e) => (e.data as { threatId: string }).threatId === kestrel);
    expect(ofKestrel.length).toBeGreaterThan(15);
    await applyBatch(generation.schema, first);

    const afterFirst = await threatRow(kestrel);
    expect(afterFirst).toMatchObject({
      lro_organisation_id: CLEVELAND,
      shared_with: ['hartlepool-bc', 'redcar-housing'],
      assessment_id: 'a-2',
      moderation_status: 'returned',
      total_score: 1200,
      previous_total_score: 1000,
      review_date: '2021-12-01',
      global_position: beforeLroChange,
    });

    // The second batch changes the LRO and the sharing: rows written by the first follow.
    await applyBatch(
      generation.schema,
      events.filter((e) => e.globalPosition! > beforeLroChange),
    );
    const people = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(p) AS row FROM threats.plan_people p ORDER BY involvement_id`,
    );
    expect(people.map((p) => [p.involvement_id, p.lro_organisation_id, p.shared_with])).toEqual([
      ['inv-1', DURHAM, ['hartlepool-bc']],
      ['inv-2', DURHAM, ['hartlepool-bc']],
    ]);
    const assessments = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(a) AS row FROM threats.assessments a WHERE threat_id = $1`,
      [kestrel],
    );
    expect(assessments.every((a) => a.lro_organisation_id === DURHAM)).toBe(true);
    expect(assessments.every((a) => (a.shared_with as string[]).join() === 'hartlepool-bc')).toBe(
      true,
    );
    const progress = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(p) AS row FROM threats.action_progress p ORDER BY global_position`,
    );
    expect(progress.map((p) => [p.note, p.lro_organisation_id])).toEqual([
      ['Visited the flat', DURHAM],
      ['Closure order granted', DURHAM],
    ]);
  });

  it('holds the current state of each threat', async () => {
    expect(await threatRow(kestrel)).toMatchObject({
      owner_organisation_id: CLEVELAND,
      code_name: 'OPERATION KESTREL',
      tier: 1,
      phase: 'closed',
      closed_reason: 'Principal convicted',
      closed_at: '2022-01-05T09:00:00+00:00',
      lro_person_id: 'durham-constabulary-lro',
      lro_organisation_id: DURHAM,
      sro_person_id: 'nersou-sro',
      sro_organisation_id: 'nersou',
      marking: 'OFFICIAL',
      signposting: true,
      shared_with: ['hartlepool-bc'],
      opened_on: '2021-01-01',
      registered_at: '2021-06-01T09:00:00+00:00',
      assessment_id: 'a-2',
      model_version: 'MoRiLE 2.1',
      total_score: 1200,
      previous_total_score: 1000,
      assessed_on: '2021-07-20',
      intelligence_date: '2021-07-20',
      moderation_status: 'returned',
      moderation_note: 'Harm not evidenced',
      criminal_activity: 'Crack cocaine and heroin supplied through a deal line',
      places_affected: ['Hartlepool', 'Stockton-on-Tees'],
      risks: ['Withdrawal of the task team'],
      review_date: '2021-12-01',
      last_reviewed_on: '2021-09-01',
      // The newest plan or action event; the closure and re-tiering are not plan updates.
      last_activity_at: '2021-11-02T09:00:00+00:00',
    });
    expect(await threatRow(sensitive)).toMatchObject({
      kind: 'soc-vulnerability',
      place: 'Easington Colliery',
      clear_hold_build_phase: 'hold',
      marking: 'OFFICIAL-SENSITIVE',
      assessment_id: null,
      moderation_status: null,
      places_affected: [],
      last_activity_at: '2021-06-01T10:00:00+00:00',
    });
  });

  it('keeps a dated state row for each change the counting rule looks at', async () => {
    const states = await rows<Record<string, unknown>>(
      `SELECT jsonb_build_object('at', valid_from, 'moderation', moderation_status, 'tier', tier,
                                 'phase', phase, 'type', type, 'soc', soc,
                                 'owner', owner_organisation_id) AS row
         FROM threats.threat_states WHERE threat_id = $1 ORDER BY global_position`,
      [kestrel],
    );
    const common = { type: 'tactical', soc: true, owner: CLEVELAND };
    expect(states).toEqual([
      { ...common, at: '2021-06-01T09:00:00+00:00', moderation: null, tier: 2, phase: 'active' },
      {
        ...common,
        at: '2021-06-02T09:00:00+00:00',
        moderation: 'unmoderated',
        tier: 2,
        phase: 'active',
      },
      {
        ...common,
        at: '2021-06-10T09:00:00+00:00',
        moderation: 'moderated',
        tier: 2,
        phase: 'active',
      },
      {
        ...common,
        at: '2021-08-01T09:00:00+00:00',
        moderation: 'unmoderated',
        tier: 2,
        phase: 'active',
      },
      {
        ...common,
        at: '2021-08-05T09:00:00+00:00',
        moderation: 'returned',
        tier: 2,
        phase: 'active',
      },
      {
        ...common,
        at: '2021-10-03T09:00:00+00:00',
        moderation: 'returned',
        tier: 1,
        phase: 'active',
      },
      {
        ...common,
        at: '2021-10-03T09:00:00+00:00',
        moderation: 'returned',
        tier: 1,
        phase: 'pursue',
      },
      {
        ...common,
        at: '2022-01-05T09:00:00+00:00',
        moderation: 'returned',
        tier: 1,
        phase: 'closed',
      },
    ]);
  });

  it('keeps the score history with who moderated or returned each assessment, and when', async () => {
    const history = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(a) AS row FROM threats.assessments a WHERE threat_id = $1
        ORDER BY recorded_at`,
      [kestrel],
    );
    expect(history).toMatchObject([
      {
        assessment_id: 'a-1',
        total_score: 1000,
        scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
        outputs: { totalScore: 1000, priority: 'high', opportunity: 'medium' },
        recorded_by_person_id: analyst.personId,
        moderation_status: 'moderated',
        moderation_note: 'Consistent',
        moderated_by_person_id: 'nersou-moderator',
        moderated_by_organisation_id: 'nersou',
        moderated_at: '2021-06-10T09:00:00+00:00',
      },
      {
        assessment_id: 'a-2',
        total_score: 1200,
        moderation_status: 'returned',
        moderation_note: 'Harm not evidenced',
        moderated_by_person_id: 'nersou-moderator',
        moderated_at: '2021-08-05T09:00:00+00:00',
      },
    ]);
  });

  it('tracks actions with their owners, the threat owner and LRO copied, and dated progress', async () => {
    const actions = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(a) AS row FROM threats.actions a ORDER BY action_id`,
    );
    expect(actions).toMatchObject([
      {
        action_id: 'x-1',
        status: 'in-progress',
        owner_person_id: partner.personId,
        owner_organisation_id: 'hartlepool-bc',
        threat_owner_organisation_id: CLEVELAND,
        lro_organisation_id: DURHAM,
        due_date: '2021-12-31',
        created_at: '2021-06-18T09:00:00+00:00',
        last_progress_at: '2021-10-05T09:00:00+00:00',
      },
      { action_id: 'x-2', status: 'done', outcome: 'Warrant executed', last_progress_at: null },
      {
        action_id: 'x-3',
        status: 'cancelled',
        cancellation_reason: 'Neighbours moved',
        owner_organisation_id: DURHAM,
        updated_at: '2021-11-02T09:00:00+00:00',
      },
    ]);
    const progress = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(p) AS row FROM threats.action_progress p ORDER BY global_position`,
    );
    expect(progress).toMatchObject([
      { action_id: 'x-1', progress_on: '2021-07-01', owner_organisation_id: 'hartlepool-bc' },
      { action_id: 'x-1', progress_on: '2021-10-05', recorded_by_person_id: partner.personId },
    ]);
  });

  it('keeps the names of people sealed, and those removed flagged', async () => {
    const people = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(p) AS row FROM threats.plan_people p ORDER BY involvement_id`,
    );
    expect(people).toMatchObject([
      { involvement_id: 'inv-1', subject_id: subject1, role: 'principal', removed: false },
      {
        involvement_id: 'inv-2',
        subject_id: subject2,
        removed: true,
        removed_reason: 'Not involved',
      },
    ]);
    expect(people.every((p) => isSealed(p.name))).toBe(true);
    expect(JSON.stringify(people)).not.toMatch(/John Smith|Jane Doe/);
  });

  it('signposts only the threats whose owners allow it', async () => {
    const signposts = await rows<Record<string, unknown>>(
      `SELECT to_jsonb(s) AS row FROM threats.signposts s`,
    );
    expect(signposts).toHaveLength(2);
    expect(signposts).toEqual(
      expect.arrayContaining([
        { threat_id: kestrel, owner_organisation_id: CLEVELAND },
        { threat_id: sensitive, owner_organisation_id: DURHAM },
      ]),
    );
  });

  it('gives the same rows when rebuilt in the default batches, event by event, or in small batches', async () => {
    const live = await snapshot(db.pool);
    for (const batchSize of [undefined, 1, 4]) {
      const result = await rebuildProjection(db.pool, store, threatsProjection, { batchSize });
      expect(result.schema).toMatch(/^threats_g\d+$/);
      expect(await snapshot(db.pool)).toEqual(live);
    }
  });

  it('skips events of a threat it never saw registered', async () => {
    const generation = await ensureProjection(db.pool, threatsProjection);
    const before = await snapshot(db.pool);
    const orphan: RecordedEvent = {
      ...(await store.readAll({ limit: 1 }))[0],
      type: PlanShared.type,
      data: { threatId: randomUUID(), organisationIds: ['hartlepool-bc'] },
    };
    await applyBatch(generation.schema, [orphan]);
    expect(await snapshot(db.pool)).toEqual(before);
  });
});
