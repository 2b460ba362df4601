import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts, ThreatRegistered } from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import { EventTypeRegistry, type EventStore, type GlobalLogSealer } from '@soc/event-store';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  registerOrganisations,
  type TestDatabase,
} from '@soc/testing';
import {
  EventStoreFeed,
  ensureProjection,
  hasReached,
  LOG_SOURCE,
  PositionWaitTimeoutError,
  ProjectionApplier,
  rebuildProjection,
  waitForPosition,
  type Projection,
} from './index.js';

/** The directory projection, except that it fails on organisations named "poison..." while `poisoned` holds. */
function poisonable(state: { poisoned: boolean }): Projection {
  return {
    ...directoryProjection,
    async apply(db, schema, events) {
      const bad = events.find((e) =>
        String((e.data as { name?: string }).name).startsWith('poison'),
      );
      if (bad && state.poisoned) throw new Error(`cannot project ${bad.eventId}`);
      await directoryProjection.apply(db, schema, events);
    },
  };
}

describe('embedded delivery: projections fed from the event store (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  const registry = new EventTypeRegistry(allEventContracts);
  const state = { poisoned: true };
  let projection: Projection;
  let applier: ProjectionApplier;
  let feed: EventStoreFeed;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    projection = poisonable(state);
    await ensureProjection(db.pool, projection);
    applier = new ProjectionApplier(db.pool, projection, registry, { retryDelayMs: 1 });
    feed = new EventStoreFeed(db.pool, store, applier, { idleMs: 20 });
    feed.start();
  });
  afterAll(async () => {
    await feed.stop();
    await sealer.stop();
    await db.drop();
  });

  const organisations = async () =>
    (
      await db.pool.query<{ organisation_id: string; name: string }>(
        'SELECT organisation_id, name FROM directory.organisations ORDER BY name',
      )
    ).rows.map((r) => r.name);

  it('projects what is appended and lets a query wait for its own write', async () => {
    const position = await registerOrganisations(store, ['alpha', 'bravo']);
    await waitForPosition(db.pool, projection.name, [], position, 5000);
    expect(await organisations()).toEqual(['alpha', 'bravo']);
    await expect(applier.position(LOG_SOURCE, -1)).resolves.toBeGreaterThanOrEqual(position);
  });

  it('says clearly when the wait for a position times out', async () => {
    const head = await store.headPosition();
    await expect(waitForPosition(db.pool, 'never-fed', [], head, 100)).rejects.toBeInstanceOf(
      PositionWaitTimeoutError,
    );
  });

  it('refuses at once a position the log has not reached, naming the newest', async () => {
    const head = await store.headPosition();
    await expect(
      waitForPosition(db.pool, projection.name, [], head + 1000, 60_000),
    ).rejects.toMatchObject({
      name: 'PositionNotReachedError',
      status: 400,
      message: `Global position ${head + 1000} has not been reached by the log: the newest position is ${head}`,
    });
  });

  it('dead-letters an event that keeps failing and moves on; a replay applies it once fixed', async () => {
    await registerOrganisations(store, ['poison-charlie']);
    const last = await registerOrganisations(store, ['delta']);
    await waitForPosition(db.pool, projection.name, [], last, 10_000);
    expect(await organisations()).toEqual(['alpha', 'bravo', 'delta']);
    const { rows } = await db.pool.query<{ id: string; error: string; attempts: number }>(
      `SELECT id, error, attempts FROM delivery.dead_letters WHERE projection = $1`,
      [projection.name],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].error).toMatch(/cannot project/);
    expect(rows[0].attempts).toBe(4);

    state.poisoned = false;
    await expect(applier.replay(Number(rows[0].id))).resolves.toBe('replayed');
    await expect(applier.replay(Number(rows[0].id))).resolves.toBe('not-found');
    expect(await organisations()).toEqual(['alpha', 'bravo', 'delta', 'poison-charlie']);
  });

  it('survives its database connection being killed mid-batch, counting nothing twice', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `echo-${String(i).padStart(3, '0')}`);
    const writing = registerOrganisations(store, names);
    await sleep(50);
    await db.admin((client) =>
      client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND query ILIKE '%projection_checkpoints%'`,
      ),
    );
    const last = await writing;
    await waitForPosition(db.pool, projection.name, [], last, 20_000);
    const { rows } = await db.pool.query<{ n: string; distinct_n: string }>(
      `SELECT count(*) AS n, count(DISTINCT name) AS distinct_n FROM directory.organisations
        WHERE name LIKE 'echo-%'`,
    );
    expect(rows[0]).toEqual({ n: '300', distinct_n: '300' });
  });

  it('rebuilds into a new generation while the old one serves, then switches', async () => {
    const before = await organisations();
    const readsDuringRebuild: number[] = [];
    let rebuilding = true;
    const reader = (async () => {
      while (rebuilding) {
        readsDuringRebuild.push((await organisations()).length);
        await sleep(5);
      }
    })();
    const result = await rebuildProjection(db.pool, store, projection, { batchSize: 50 });
    rebuilding = false;
    await reader;
    expect(result.generation).toBe(2);
    expect(readsDuringRebuild.every((n) => n >= before.length)).toBe(true);
    expect(await organisations()).toEqual(before);
    const last = await registerOrganisations(store, ['zulu']);
    await waitForPosition(db.pool, projection.name, [], last, 5000);
    expect(await organisations()).toEqual([...before, 'zulu'].sort());
    const { rows } = await db.pool.query<{ generation: number; status: string }>(
      `SELECT generation, status FROM delivery.projection_generations WHERE projection = $1 ORDER BY generation`,
      [projection.name],
    );
    expect(rows).toEqual([
      { generation: 1, status: 'retired' },
      { generation: 2, status: 'active' },
    ]);
    await expect(hasReached(db.pool, projection.name, [], last)).resolves.toBe(true);
    // Indexes deferred while the tables filled are there once the generation serves.
    const { rows: indexes } = await db.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'people'`,
      [result.schema],
    );
    expect(indexes.map((i) => i.indexdef).join('\n')).toMatch(/\(organisation_id, person_id\)/);
  });

  it('passes over events it does not handle, interleaved with ones it does, by many writers at once', async () => {
    const unhandled = (n: number) => ({
      type: ThreatRegistered.type,
      data: { threatId: `not-for-the-directory-${n}` },
    });
    const before = await organisations();
    const names = Array.from({ length: 40 }, (_, i) => `mixed-${String(i).padStart(2, '0')}`);
    const positions = await Promise.all(
      names.map(async (name, i) => {
        const others = await store.append(
          `threat:${randomUUID()}`,
          'no-stream',
          [unhandled(i), unhandled(i + 100)],
          appendMetadata({ personId: 'writer', organisationId: 'writer' }),
        );
        if (i % 4 === 3) return others.globalPosition!;
        const registered = await store.append(
          `organisation:${name}`,
          'no-stream',
          [organisationRegistered(name)],
          appendMetadata({ personId: 'writer', organisationId: 'writer' }),
        );
        return registered.globalPosition!;
      }),
    );
    // Only unhandled events at the log's head: the checkpoint still reaches it.
    const tail = await store.append(
      `threat:${randomUUID()}`,
      'no-stream',
      [unhandled(999)],
      appendMetadata({ personId: 'writer', organisationId: 'writer' }),
    );
    await waitForPosition(db.pool, projection.name, [], tail.globalPosition!, 10_000);
    expect(Math.max(...positions)).toBeLessThan(tail.globalPosition!);
    const expected = names.filter((_, i) => i % 4 !== 3).map((name) => `Organisation ${name}`);
    expect((await organisations()).sort()).toEqual([...before, ...expected].sort());
    await expect(applier.position(LOG_SOURCE, -1)).resolves.toBe(tail.globalPosition);
  });

  it('passes over a batch it does not handle in one statement, without the generation lock a batch it applies takes', async () => {
    const switching = await db.pool.connect();
    try {
      // What a rebuild's switch holds: a batch to apply would wait for it; one to pass over does not.
      await switching.query('BEGIN');
      await switching.query(
        'SELECT 1 FROM delivery.projection_generations WHERE projection = $1 FOR UPDATE',
        [projection.name],
      );
      const { globalPosition } = await store.append(
        `threat:${randomUUID()}`,
        'no-stream',
        [{ type: ThreatRegistered.type, data: { threatId: 'passed-over' } }],
        appendMetadata({ personId: 'writer', organisationId: 'writer' }),
      );
      await waitForPosition(db.pool, projection.name, [], globalPosition!, 10_000);
    } finally {
      await switching.query('ROLLBACK');
      switching.release();
    }
  });
});
