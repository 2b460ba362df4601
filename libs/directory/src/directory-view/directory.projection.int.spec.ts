import { randomUUID } from 'node:crypto';
import { eventOf, OrganisationRegistered, PersonEnrolled } from '@soc/contracts';
import type { EventStore, GlobalLogSealer, RecordedEvent } from '@soc/event-store';
import { appendMetadata, createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import { directoryProjection } from './directory.projection.js';

describe('directory projection (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  const organisationId = `council-${randomUUID().slice(0, 8)}`;
  let organisationEvents: RecordedEvent[];
  let personEvents: RecordedEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    const admin = { personId: 'admin-1', organisationId: 'cleveland-police' };
    await store.append(
      `organisation:${organisationId}`,
      'no-stream',
      [eventOf(OrganisationRegistered, { organisationId, name: 'A council', kind: 'council' })],
      appendMetadata(admin),
    );
    for (const personId of ['officer-1', 'officer-2', 'officer-3']) {
      await store.append(
        `person:${personId}-${organisationId}`,
        'no-stream',
        [eventOf(PersonEnrolled, { personId, organisationId, displayName: 'x', roles: ['lro'] })],
        appendMetadata(admin),
      );
    }
    organisationEvents = await store.readStream(`organisation:${organisationId}`);
    personEvents = [];
    for (const personId of ['officer-1', 'officer-2', 'officer-3'])
      personEvents.push(...(await store.readStream(`person:${personId}-${organisationId}`)));
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  async function applyInTurn(batches: readonly (readonly RecordedEvent[])[]): Promise<number> {
    const schema = `directory_t${randomUUID().slice(0, 8)}`;
    const client = await db.pool.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await directoryProjection.createTables(client, schema);
      for (const batch of batches) {
        await client.query('BEGIN');
        await directoryProjection.apply(client, schema, batch);
        await client.query('COMMIT');
      }
      const { rows } = await client.query(`SELECT people FROM ${schema}.enrolment_counts`);
      return rows[0].people;
    } finally {
      client.release();
    }
  }

  it('counts an organisation’s people whichever stream is applied first', async () => {
    expect(await applyInTurn([organisationEvents, personEvents])).toBe(3);
    expect(await applyInTurn([[...organisationEvents, ...personEvents]])).toBe(3);
    // Over Kafka the people's partitions may be applied before the organisation's.
    expect(
      await applyInTurn([personEvents.slice(0, 2), organisationEvents, personEvents.slice(2)]),
    ).toBe(3);
    expect(await applyInTurn([personEvents, organisationEvents])).toBe(3);
  });
});
