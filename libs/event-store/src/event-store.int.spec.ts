import { randomUUID } from 'node:crypto';
import { OrganisationRegistered, PersonEnrolled } from '@soc/contracts';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { isoFromUtcText } from './stored-event.js';
import {
  EventIdReusedError,
  EventStore,
  GlobalLogSealer,
  InvalidAppendError,
  PayloadTooLargeError,
  VersionConflictError,
} from './index.js';

const actor = { personId: 'analyst-1', organisationId: 'cleveland-police' };
const person = (id: string, roles = ['lro']) => ({
  type: PersonEnrolled.type,
  data: { personId: id, organisationId: 'cleveland-police', displayName: 'A. Person', roles },
});

describe('EventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const countRows = async () =>
    Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

  it('reads every timestamp back exactly as JavaScript wrote it (PostgreSQL formats it, not a Date)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        async (moment) => {
          const { rows } = await db.pool.query<{ text: string }>(
            `SELECT ($1::timestamptz AT TIME ZONE 'UTC')::text AS text`,
            [moment.toISOString()],
          );
          expect(isoFromUtcText(rows[0].text)).toBe(moment.toISOString());
        },
      ),
      { numRuns: 300 },
    );
    const stream = `person:${randomUUID()}`;
    const occurredAt = new Date('2021-03-04T05:06:07.000Z');
    await store.append(stream, 'no-stream', [person('p1')], {
      ...appendMetadata(actor),
      occurredAt,
    });
    const [event] = await store.readStream(stream);
    expect(event.occurredAt).toBe('2021-03-04T05:06:07.000Z');
    expect(event.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('appends events atomically with a full envelope and answers with version and global position', async () => {
    const stream = `person:${randomUUID()}`;
    const metadata = { ...appendMetadata(actor), causationId: randomUUID() };
    const result = await store.append(
      stream,
      'no-stream',
      [person('p1'), person('p1', ['lro', 'meeting-chair'])],
      metadata,
    );
    expect(result.streamVersion).toBe(2);
    expect(result.globalPosition).toBeGreaterThan(0);

    const events = await store.readStream(stream);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2]);
    const [first, second] = events;
    expect(first).toMatchObject({
      type: 'directory.PersonEnrolled',
      schemaVersion: 3,
      streamId: stream,
      streamType: 'person',
      actor,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      previousHash: null,
      data: { personId: 'p1', roles: ['lro'] },
    });
    expect(first.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(second.previousHash).toBe(first.hash);
    expect(second.globalPosition).toBe(result.globalPosition);
    expect(second.globalPosition).toBe(first.globalPosition! + 1);
    expect(Date.parse(first.recordedAt)).not.toBeNaN();
  });

  it('reads one event by its id, with its stream and position, and nothing for an unknown or malformed id', async () => {
    const streamId = `organisation:${randomUUID()}`;
    const eventId = uuidv7();
    const appended = await store.append(
      streamId,
      'no-stream',
      [{ ...organisationRegistered(streamId.slice('organisation:'.length)), eventId }],
      { actor, correlationId: randomUUID() },
    );
    const found = await store.readEvent(eventId.toUpperCase());
    expect(found).toMatchObject({
      eventId,
      streamId,
      streamVersion: 1,
      type: OrganisationRegistered.type,
      globalPosition: appended.globalPosition,
    });
    expect(await store.readEvent(uuidv7())).toBeNull();
    expect(await store.readEvent('not-a-uuid')).toBeNull();
  });

  it('refuses a wrong expected version with a conflict carrying the current version, writing nothing', async () => {
    const stream = `organisation:${randomUUID()}`;
    await store.append(stream, 'no-stream', [organisationRegistered('a')], appendMetadata(actor));
    const before = await countRows();
    await expect(
      store.append(stream, 'no-stream', [organisationRegistered('a')], appendMetadata(actor)),
    ).rejects.toMatchObject({
      constructor: VersionConflictError,
      currentVersion: 1,
      status: 409,
    });
    await expect(
      store.append(stream, 3, [organisationRegistered('a')], appendMetadata(actor)),
    ).rejects.toMatchObject({
      currentVersion: 1,
    });
    expect(await countRows()).toBe(before);
    await expect(
      store.append(stream, 1, [organisationRegistered('a')], appendMetadata(actor)),
    ).resolves.toMatchObject({
      streamVersion: 2,
    });
    await expect(
      store.append(stream, 'any', [organisationRegistered('a')], appendMetadata(actor)),
    ).resolves.toMatchObject({
      streamVersion: 3,
    });
  });

  it('lets exactly one of many concurrent writers at the same version win', async () => {
    const stream = `organisation:${randomUUID()}`;
    await store.append(stream, 'no-stream', [organisationRegistered('a')], appendMetadata(actor));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        store.append(stream, 1, [organisationRegistered('a')], appendMetadata(actor)),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(losers).toHaveLength(9);
    for (const loser of losers) expect(loser.reason).toBeInstanceOf(VersionConflictError);
    expect(await store.currentVersion(stream)).toBe(2);
  });

  it('answers a retried append with the original result, never storing a second copy', async () => {
    const stream = `organisation:${randomUUID()}`;
    const ids = [uuidv7(), uuidv7()];
    const events = [
      { ...organisationRegistered('a'), eventId: ids[0] },
      { ...organisationRegistered('a'), eventId: ids[1] },
    ];
    const metadata = appendMetadata(actor);
    const first = await store.append(stream, 'no-stream', events, metadata);
    const again = await store.append(stream, 'no-stream', events, metadata);
    expect(again).toEqual(first);
    expect(await store.currentVersion(stream)).toBe(2);
    await expect(
      store.append(`organisation:${randomUUID()}`, 'no-stream', [events[0]], metadata),
    ).rejects.toBeInstanceOf(EventIdReusedError);
  });

  it.each([
    [
      'an undeclared event type',
      'organisation:x1',
      [{ type: 'directory.OrganisationExploded', data: {} }],
      InvalidAppendError,
    ],
    ['a malformed stream id', 'no colon here', [organisationRegistered('a')], InvalidAppendError],
    ['an empty stream id part', 'organisation:', [organisationRegistered('a')], InvalidAppendError],
    [
      'a payload that is not an object',
      'organisation:x2',
      [{ type: OrganisationRegistered.type, data: 'text' }],
      InvalidAppendError,
    ],
    [
      'a payload with a NUL character',
      'organisation:x3',
      [{ type: OrganisationRegistered.type, data: { name: 'a\u0000b' } }],
      InvalidAppendError,
    ],
    [
      'a payload with a number JSON cannot carry',
      'organisation:x7',
      [{ type: OrganisationRegistered.type, data: { score: Number.NaN } }],
      InvalidAppendError,
    ],
    [
      'a payload over 256 KiB',
      'organisation:x4',
      [{ type: OrganisationRegistered.type, data: { name: 'x'.repeat(300 * 1024) } }],
      PayloadTooLargeError,
    ],
    [
      'an event id that is not a UUID',
      'organisation:x5',
      [{ ...organisationRegistered('a'), eventId: 'not-a-uuid' }],
      InvalidAppendError,
    ],
    ['no events at all', 'organisation:x6', [], InvalidAppendError],
  ])('refuses %s with a clear error and writes nothing', async (_case, stream, events, error) => {
    const before = await countRows();
    await expect(store.append(stream, 'any', events, appendMetadata(actor))).rejects.toBeInstanceOf(
      error,
    );
    expect(await countRows()).toBe(before);
  });

  it.each([
    ['an invalid date', new Date(Number.NaN)],
    ['a year past 9999', new Date('+010000-01-01T00:00:00Z')],
    ['a year before 1', new Date('-000001-01-01T00:00:00Z')],
  ])('refuses an occurredAt that is %s and writes nothing', async (_case, occurredAt) => {
    const before = await countRows();
    await expect(
      store.append('organisation:x8', 'any', [organisationRegistered('a')], {
        ...appendMetadata(actor),
        occurredAt,
      }),
    ).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await countRows()).toBe(before);
  });

  it('refuses an append with no actor or a malformed correlation id', async () => {
    await expect(
      store.append('organisation:x7', 'any', [organisationRegistered('a')], {
        actor: { personId: '', organisationId: 'x' },
        correlationId: randomUUID(),
      }),
    ).rejects.toBeInstanceOf(InvalidAppendError);
    await expect(
      store.append('organisation:x7', 'any', [organisationRegistered('a')], {
        actor,
        correlationId: 'nope',
      }),
    ).rejects.toBeInstanceOf(InvalidAppendError);
  });

  it('reads the whole log in order by position, in batches', async () => {
    const head = await store.headPosition();
    const streams = Array.from({ length: 5 }, () => `organisation:${randomUUID()}`);
    for (const stream of streams)
      await store.append(
        stream,
        'no-stream',
        [organisationRegistered('a'), organisationRegistered('b')],
        appendMetadata(actor),
      );
    const read = [];
    let after = head;
    for (;;) {
      const batch = await store.readAll({ after, limit: 3 });
      if (batch.length === 0) break;
      read.push(...batch);
      after = batch[batch.length - 1].globalPosition!;
    }
    expect(read.map((e) => e.globalPosition)).toEqual(
      Array.from({ length: 10 }, (_, i) => head + i + 1),
    );
    expect(read.map((e) => e.streamId)).toEqual(streams.flatMap((s) => [s, s]));
  });

  it('reads the log as of a moment: a stable prefix that later appends do not change', async () => {
    await store.append(
      `organisation:${randomUUID()}`,
      'no-stream',
      [organisationRegistered('before')],
      appendMetadata(actor),
    );
    const moment = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await store.append(
      `organisation:${randomUUID()}`,
      'no-stream',
      [organisationRegistered('after')],
      appendMetadata(actor),
    );
    const asOf = await store.positionAsOf(moment);
    expect(asOf).toBeLessThan(later.globalPosition!);
    const events = [];
    for (let after = 0; ;) {
      const batch = await store.readAllAsOf(moment, { after, limit: 500 });
      if (batch.length === 0) break;
      events.push(...batch);
      after = batch[batch.length - 1].globalPosition!;
    }
    expect(events).toHaveLength(asOf);
    expect(events.every((e) => Date.parse(e.recordedAt) <= moment.getTime())).toBe(true);
    expect(events.some((e) => e.globalPosition === later.globalPosition)).toBe(false);
  });

  it('upcasts events stored at an old schema version to the newest shape on read', async () => {
    const stream = `person:${randomUUID()}`;
    // A v1 event as an older release stored it: one role, not a list.
    await store.append(stream, 'no-stream', [person('p9')], appendMetadata(actor));
    await db.admin(async (client) => {
      await client.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
      await client.query(
        `UPDATE event_store.events SET schema_version = 1,
           payload = jsonb_build_object('personId', 'p9', 'organisationId', 'cleveland-police', 'displayName', 'A. Person', 'role', 'analyst')
         WHERE stream_id = $1`,
        [stream],
      );
      await client.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
    });
    const [event] = await store.readStream(stream);
    expect(event.storedSchemaVersion).toBe(1);
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({
      personId: 'p9',
      organisationId: 'cleveland-police',
      displayName: 'A. Person',
      roles: ['analyst'],
    });
    const [fromLog] = await store.readAll({ after: event.globalPosition! - 1, limit: 1 });
    expect(fromLog.data).toEqual(event.data);
  });
});
