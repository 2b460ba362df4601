import { randomUUID } from 'node:crypto';
import {
  DueDateChangeGranted,
  eventOf,
  MeetingScheduled,
  PartnerActionAgreed,
  PartnerActionClosed,
  PartnerActionProgressPosted,
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
  let meetingEvents: RecordedEvent[];
  let actionEvents: RecordedEvent[];

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
