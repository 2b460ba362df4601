import { randomUUID } from 'node:crypto';
import { allEventContracts } from '@soc/contracts';
import {
  appendMetadata,
  createTestDatabase,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import type { Pool, QueryConfig } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  EventIdReusedError,
  EventStore,
  EventTypeRegistry,
  GlobalLogSealer,
  IntegrityVerifier,
  VersionConflictError,
} from './index.js';

const actor = { personId: 'admin-1', organisationId: 'nersou' };
const metadata = () => appendMetadata(actor);
const organisation = () => organisationRegistered(`org-${randomUUID().slice(0, 8)}`);
const newStream = () => `organisation:${randomUUID()}`;

/**
 * Group commit: appends that arrive while a statement is in flight share the next one.
 * One statement in flight makes the grouping certain: the first append goes alone, and every
 * append started in the same tick waits and goes in the second statement.
 */
describe('Concurrent appends grouped into one statement (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let appendStatements: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const counting = new Proxy(db.pool, {
      get(pool, property) {
        if (property !== 'query') return Reflect.get(pool, property, pool) as unknown;
        return (config: QueryConfig, ...rest: unknown[]) => {
          if (config?.name?.startsWith('event-store-append')) appendStatements++;
          return (pool.query as (...args: unknown[]) => unknown).call(pool, config, ...rest);
        };
      },
    }) as Pool;
    sealer = new GlobalLogSealer(db.pool);
    store = new EventStore(counting, new EventTypeRegistry(allEventContracts), sealer, {
      appendStatementsInFlight: 1,
    });
    sealer.start();
  });
  beforeEach(() => {
    appendStatements = 0;
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  const storedEventIds = async (streamId: string) =>
    (
      await db.pool.query<{ event_id: string }>(
        'SELECT event_id FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version',
        [streamId],
      )
    ).rows.map((row) => row.event_id);

  it('stores twenty concurrent appends in two statements, each with its own result', async () => {
    const streams = Array.from({ length: 20 }, newStream);
    const results = await Promise.all(
      streams.map((stream) =>
        store.append(stream, 'no-stream', [organisation(), organisation()], metadata()),
      ),
    );
    expect(appendStatements).toBe(2);
    results.forEach((result, i) => {
      expect(result).toMatchObject({ streamId: streams[i], streamVersion: 2 });
      expect(result.globalPosition).toBeGreaterThan(0);
    });
    expect(new Set(results.map((r) => r.globalPosition)).size).toBe(20);
    for (const [i, stream] of streams.entries()) {
      const events = await store.readStream(stream);
      expect(events.map((e) => e.eventId)).toEqual(results[i].eventIds);
      // Within a group each stream keeps its versions in global order.
      expect(events[1].globalPosition).toBeGreaterThan(events[0].globalPosition!);
    }
    await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toMatchObject({ ok: true });
  });

  it('fails only the conflicting append of a group; the others go again alone and are stored', async () => {
    const taken = newStream();
    await store.append(taken, 'no-stream', [organisation()], metadata());
    appendStatements = 0;
    const others = Array.from({ length: 5 }, newStream);
    const outcomes = await Promise.allSettled([
      store.append(others[0], 'no-stream', [organisation()], metadata()),
      store.append(taken, 'no-stream', [organisation()], metadata()),
      ...others.slice(1).map((s) => store.append(s, 'no-stream', [organisation()], metadata())),
    ]);
    // The first goes at once; the group of the other five meets the conflict as a whole (a plain
    // INSERT), and each of its appends goes again on its own.
    expect(appendStatements).toBe(1 + 1 + 5);
    expect(outcomes[1]).toMatchObject({ status: 'rejected' });
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(await storedEventIds(taken)).toHaveLength(1);
    for (const stream of others) expect(await storedEventIds(stream)).toHaveLength(1);
  });

  it('never stores an append in part: one that would be is undone, and its group goes again alone', async () => {
    const existing = newStream();
    const [reusedId] = (await store.append(existing, 'no-stream', [organisation()], metadata()))
      .eventIds;
    appendStatements = 0;
    const victim = newStream();
    const others = Array.from({ length: 4 }, newStream);
    const outcomes = await Promise.allSettled([
      store.append(others[0], 'no-stream', [organisation()], metadata()),
      // Its first event is new, its second reuses an id: alone it would be stored in part.
      store.append(
        victim,
        'no-stream',
        [
          { ...organisation(), eventId: uuidv7() },
          { ...organisation(), eventId: reusedId },
        ],
        metadata(),
      ),
      ...others.slice(1).map((s) => store.append(s, 'no-stream', [organisation()], metadata())),
    ]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(EventIdReusedError);
    expect(await storedEventIds(victim)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(4);
    for (const stream of others) expect(await storedEventIds(stream)).toHaveLength(1);
    // First alone, then the group of four (undone), then each of the four alone.
    expect(appendStatements).toBe(1 + 1 + 4);
  });

  it('does not group two appends to one stream: the second sees the first', async () => {
    const stream = newStream();
    const [first, second] = await Promise.allSettled([
      store.append(stream, 'no-stream', [organisation()], metadata()),
      store.append(stream, 'no-stream', [organisation()], metadata()),
    ]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { streamVersion: 1 } });
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);

    const any = newStream();
    const both = await Promise.all([
      store.append(any, 'any', [organisation()], metadata()),
      store.append(any, 'any', [organisation()], metadata()),
      store.append(any, 'any', [organisation()], metadata()),
    ]);
    expect(both.map((r) => r.streamVersion).sort()).toEqual([1, 2, 3]);
    expect(await storedEventIds(any)).toHaveLength(3);
  });

  it('under a storm of appends racing on a few streams, stores each acknowledged append whole and each refused one not at all', async () => {
    const shared = Array.from({ length: 4 }, newStream);
    const storm = Array.from({ length: 200 }, (_, i) => {
      const stream = shared[i % shared.length];
      const events = Array.from({ length: 1 + (i % 3) }, organisation);
      // Some claim a version they read earlier (and may lose), others take whatever is next.
      const expected = i % 2 === 0 ? ('any' as const) : Math.floor(i / 8);
      return store
        .append(stream, expected === 0 ? 'no-stream' : expected, events, metadata())
        .then((result) => ({ ok: true as const, stream, result }))
        .catch((error: unknown) => ({ ok: false as const, stream, error }));
    });
    const outcomes = await Promise.all(storm);
    for (const outcome of outcomes.filter((o) => !o.ok)) {
      expect((outcome as { error: unknown }).error).toBeInstanceOf(VersionConflictError);
    }
    for (const stream of shared) {
      const acknowledged = outcomes.filter((o) => o.ok && o.stream === stream);
      expect(acknowledged.length).toBeGreaterThan(0);
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.streamVersion)).toEqual(stored.map((_, i) => i + 1));
      const ids = acknowledged.flatMap((o) => (o.ok ? o.result.eventIds : []));
      expect(stored.map((e) => e.eventId).sort()).toEqual([...ids].sort());
      for (const o of acknowledged) {
        if (!o.ok) continue;
        const last = stored.find((e) => e.eventId === o.result.eventIds.at(-1));
        expect(last?.streamVersion).toBe(o.result.streamVersion);
      }
    }
    await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toMatchObject({ ok: true });
  });

  it('answers a retried group with the original results and stores nothing twice', async () => {
    const streams = Array.from({ length: 6 }, newStream);
    const batches = streams.map(() => [
      { ...organisation(), eventId: uuidv7() },
      { ...organisation(), eventId: uuidv7() },
    ]);
    const correlationId = randomUUID();
    const append = () =>
      Promise.all(
        streams.map((stream, i) =>
          store.append(stream, 'no-stream', batches[i], { actor, correlationId }),
        ),
      );
    const original = await append();
    const retried = await append();
    expect(retried).toEqual(original);
    for (const stream of streams) expect(await storedEventIds(stream)).toHaveLength(2);
  });
});
