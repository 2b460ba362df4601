import { randomUUID } from 'node:crypto';
import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  DueDateChangeGranted,
  eventOf,
  MeetingScheduled,
  PartnerActionAgreed,
  PartnerActionClosed,
  PartnerActionProgressPosted,
  ThreatRegistered,
} from '@soc/contracts';
import type { EventStore, GlobalLogSealer, RecordedEvent } from '@soc/event-store';
import { appendMetadata, createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import { meetingsProjection } from './meetings.projection.js';

describe('meetings projection (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  const meetingId = randomUUID();
  const actionId = randomUUID();
  const threatId = randomUUID();
  const planActionIds = { done: randomUUID(), cancelled: randomUUID() };
  let meetingEvents: RecordedEvent[];
  let actionEvents: RecordedEvent[];
  let threatEvents: RecordedEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    const chair = { personId: 'chair-1', organisationId: 'cleveland-police' };
    await store.append(
      `meeting:${meetingId}`,
      'no-stream',
      [
        eventOf(MeetingScheduled, {
          meetingId,
          kind: 'marsoc',
          title: 'Cleveland MARSOC',
          chair,
          heldOn: '2025-01-14',
          place: 'Middlesbrough',
          invitedOrganisationIds: ['hartlepool-bc'],
          confidentialityStatement: 'For this meeting only',
        }),
        eventOf(PartnerActionAgreed, {
          meetingId,
          actionId,
          threatId: randomUUID(),
          category: 'protect',
          description: 'Safeguarding visit',
          leadOrganisationId: 'hartlepool-bc',
          supportingOrganisationIds: [],
          pointOfContact: { personId: 'officer-1', organisationId: 'hartlepool-bc' },
          dueDate: '2025-02-01',
        }),
      ],
      { ...appendMetadata(chair), occurredAt: new Date('2025-01-14T10:00:00Z') },
    );
    const officer = { personId: 'officer-1', organisationId: 'hartlepool-bc' };
    await store.append(
      `partner-action:${actionId}`,
      'no-stream',
      [
        eventOf(PartnerActionProgressPosted, { actionId, note: 'Booked', on: '2025-01-20' }),
        eventOf(DueDateChangeGranted, { actionId, requestId: randomUUID(), dueDate: '2025-03-01' }),
        eventOf(PartnerActionClosed, {
          actionId,
          reason: 'agency-did-not-act',
          explanation: 'Nobody was free',
        }),
      ],
      { ...appendMetadata(officer), occurredAt: new Date('2025-02-10T10:00:00Z') },
    );
    meetingEvents = await store.readStream(`meeting:${meetingId}`);
    actionEvents = await store.readStream(`partner-action:${actionId}`);

    const analyst = { personId: 'analyst-1', organisationId: 'cleveland-police' };
    const ids = { threatId, ...planActionIds };
    const onThreat = async (occurredOn: string, events: Parameters<typeof store.append>[2]) =>
      store.append(`threat:${threatId}`, 'any', events, {
        ...appendMetadata(analyst),
        occurredAt: new Date(`${occurredOn}T10:00:00Z`),
      });
    const propose = (id: string, description: string) =>
      eventOf(ActionProposed, {
        threatId,
        actionId: id,
        category: 'prevent',
        description,
        owner: officer,
        dueDate: '2025-03-01',
      });
    await onThreat('2025-01-02', [
      eventOf(ThreatRegistered, {
        threatId,
        ownerOrganisationId: 'cleveland-police',
        kind: 'ocg',
        codeName: 'OPERATION KESTREL',
        summary: 'County lines supply',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: analyst,
        sro: null,
        place: null,
        clearHoldBuildPhase: null,
        marking: 'OFFICIAL',
        signposting: false,
        openedOn: '2025-01-01',
      }),
      propose(ids.done, 'Closure order on the flat'),
      propose(ids.cancelled, 'Letter to the landlord'),
    ]);
    await onThreat('2025-01-10', [
      eventOf(ActionAgreed, { threatId, actionId: ids.done }),
      eventOf(ActionAgreed, { threatId, actionId: ids.cancelled }),
    ]);
    await onThreat('2025-01-20', [
      eventOf(ActionStarted, { threatId, actionId: ids.done }),
      eventOf(ActionProgressRecorded, {
        threatId,
        actionId: ids.done,
        note: 'Notice served',
        on: '2025-01-18',
      }),
      eventOf(ActionCancelled, { threatId, actionId: ids.cancelled, reason: 'Tenant moved out' }),
    ]);
    await onThreat('2025-02-05', [
      eventOf(ActionCompleted, {
        threatId,
        actionId: ids.done,
        outcome: 'Order granted',
        unacknowledgedReferrals: null,
      }),
    ]);
    threatEvents = await store.readStream(`threat:${threatId}`);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  /** A fresh schema of the projection's tables. */
  async function freshSchema(): Promise<string> {
    const schema = `meetings_t${randomUUID().slice(0, 8)}`;
    const client = await db.pool.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await meetingsProjection.createTables(client, schema);
    } finally {
      client.release();
    }
    return schema;
  }

  async function inTransaction(schema: string, events: readonly RecordedEvent[]) {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await meetingsProjection.apply(client, schema, events);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }

  const actionRow = async (schema: string) =>
    (await db.pool.query(`SELECT to_jsonb(a) AS row FROM ${schema}.partner_actions a`)).rows.map(
      (r) => r.row,
    );

  it('holds the agreement beside the action’s life, whichever stream comes first', async () => {
    const inOrder = await freshSchema();
    await inTransaction(inOrder, [...meetingEvents, ...actionEvents]);
    const [row] = await actionRow(inOrder);
    expect(row).toMatchObject({
      action_id: actionId,
      meeting_title: 'Cleveland MARSOC',
      meeting_held_on: '2025-01-14',
      lead_organisation_id: 'hartlepool-bc',
      agreed_due_date: '2025-02-01',
      agreed_on: '2025-01-14',
      status: 'closed',
      first_progress_on: '2025-01-20',
      closed_on: '2025-02-10',
      closure_reason: 'agency-did-not-act',
      granted_due_dates: [{ grantedOn: '2025-02-10', dueDate: '2025-03-01' }],
    });

    const eventByEvent = await freshSchema();
    for (const event of [...meetingEvents, ...actionEvents])
      await inTransaction(eventByEvent, [event]);
    expect(await actionRow(eventByEvent)).toEqual([row]);

    // Over Kafka the action's partition may be applied before the meeting's.
    const reversed = await freshSchema();
    await inTransaction(reversed, actionEvents);
    expect(await actionRow(reversed)).toEqual([
      expect.objectContaining({ meeting_id: null, status: 'closed' }),
    ]);
    await inTransaction(reversed, meetingEvents);
    expect(await actionRow(reversed)).toEqual([row]);
  });

  const planActionRows = async (schema: string) =>
    (
      await db.pool.query(
        `SELECT to_jsonb(a) AS row FROM ${schema}.plan_actions a ORDER BY description`,
      )
    ).rows.map((r) => r.row);

  it('folds a plan’s 4P actions the same event by event as in one batch', async () => {
    const batch = await freshSchema();
    await inTransaction(batch, threatEvents);
    const rows = await planActionRows(batch);
    expect(rows).toEqual([
      {
        action_id: planActionIds.done,
        threat_id: threatId,
        code_name: 'OPERATION KESTREL',
        category: 'prevent',
        description: 'Closure order on the flat',
        owner_person_id: 'officer-1',
        owner_organisation_id: 'hartlepool-bc',
        due_date: '2025-03-01',
        status: 'done',
        proposed_on: '2025-01-02',
        agreed_on: '2025-01-10',
        started_on: '2025-01-20',
        last_progress_on: '2025-01-18',
        last_progress_note: 'Notice served',
        completed_on: '2025-02-05',
        outcome: 'Order granted',
        cancelled_on: null,
        cancellation_reason: null,
        global_position: threatEvents.at(-1)!.globalPosition,
      },
      expect.objectContaining({
        action_id: planActionIds.cancelled,
        status: 'cancelled',
        agreed_on: '2025-01-10',
        started_on: null,
        cancelled_on: '2025-01-20',
        cancellation_reason: 'Tenant moved out',
      }),
    ]);

    const eventByEvent = await freshSchema();
    for (const event of threatEvents) await inTransaction(eventByEvent, [event]);
    expect(await planActionRows(eventByEvent)).toEqual(rows);

    // Split where a batch of live delivery might end, after the proposals and the agreements.
    const inTwo = await freshSchema();
    await inTransaction(inTwo, threatEvents.slice(0, 5));
    await inTransaction(inTwo, [...threatEvents.slice(5), ...meetingEvents]);
    expect(await planActionRows(inTwo)).toEqual(rows);
  });

  it('keeps both streams’ columns when their partitions are applied at the same time', async () => {
    const schema = await freshSchema();
    const first = await db.pool.connect();
    try {
      await first.query('BEGIN');
      await meetingsProjection.apply(first, schema, actionEvents);
      const second = inTransaction(schema, meetingEvents);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await first.query('COMMIT');
      await second;
    } finally {
      first.release();
    }
    const [row] = await actionRow(schema);
    expect(row).toMatchObject({ meeting_title: 'Cleveland MARSOC', status: 'closed' });
  });
});
