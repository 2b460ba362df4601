import { allEventContracts, ThreatRegistered } from '@soc/contracts';
import { EventTypeRegistry, type RecordedEvent } from '@soc/event-store';
import { createTestDatabase, type TestDatabase } from '@soc/testing';
import { ensureProjection, type FeedItem, ProjectionApplier, type Projection } from './index.js';

/** A message the relay published before the threats context's events were renamed plans.* → threats.*. */
function publishedBeforeRename(position: number): RecordedEvent {
  return {
    eventId: `0197c1f0-0000-7000-8000-00000000000${position}`,
    type: 'plans.ThreatRegistered',
    schemaVersion: 1,
    storedSchemaVersion: 1,
    streamId: 'threat:t1',
    streamType: 'threat',
    streamVersion: position,
    globalPosition: position,
    occurredAt: '2026-01-02T03:04:05.000Z',
    recordedAt: '2026-01-02T03:04:05.000Z',
    actor: { personId: 'analyst-1', organisationId: 'cleveland-police' },
    correlationId: '0197c1f0-0000-7000-8000-000000000000',
    causationId: null,
    data: { threatId: 't1' },
    previousHash: null,
    hash: 'h',
  };
}

describe('projections fed events under a former type name (real PostgreSQL)', () => {
  let db: TestDatabase;
  const seen: RecordedEvent[] = [];
  const projection: Projection = {
    name: 'renamed_types',
    handles: [ThreatRegistered.type],
    tables: [],
    readPolicies: {},
    createTables: async () => undefined,
    apply: async (_db, _schema, events) => {
      seen.push(...events);
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await ensureProjection(db.pool, projection);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('hands the projection the event under its current name, as if the log had been read', async () => {
    const applier = new ProjectionApplier(
      db.pool,
      projection,
      new EventTypeRegistry(allEventContracts),
    );
    const event = publishedBeforeRename(1);
    const item: FeedItem = { position: 0, event, raw: () => JSON.stringify(event) };
    await applier.applyBatch('soc.plans.events', 0, [item]);
    expect(seen.map((e) => e.type)).toEqual(['threats.ThreatRegistered']);
    expect(seen[0]).toEqual({ ...event, type: 'threats.ThreatRegistered' });
    await expect(applier.position('soc.plans.events', 0)).resolves.toBe(0);
  });
});
