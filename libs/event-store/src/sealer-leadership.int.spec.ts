import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts } from '@soc/contracts';
import {
  appendMetadata,
  createTestDatabase,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import { EventStore, EventTypeRegistry, GlobalLogSealer, IntegrityVerifier } from './index.js';

/** Several instances share one database; one seals at a time and another takes over when it goes. */
describe('sealer leadership across instances (real PostgreSQL)', () => {
  let db: TestDatabase;
  const registry = new EventTypeRegistry(allEventContracts);

  beforeEach(async () => {
    db = await createTestDatabase({ poolSize: 12 });
  });
  afterEach(async () => {
    await db.drop();
  });

  function instance() {
    const sealer = new GlobalLogSealer(db.pool, { idleMs: 10 });
    return { sealer, store: new EventStore(db.pool, registry, sealer, { positionWaitMs: 10_000 }) };
  }

  async function appendSome(store: EventStore, count: number): Promise<number[]> {
    const positions: number[] = [];
    for (let i = 0; i < count; i++) {
      const result = await store.append(
        `organisation:${randomUUID()}`,
        'no-stream',
        [organisationRegistered(`o${i}`)],
        appendMetadata(),
      );
      positions.push(result.globalPosition!);
    }
    return positions;
  }

  it('lets one instance lead while the others answer their appends from the log', async () => {
    const a = instance();
    const b = instance();
    a.sealer.start();
    await sleep(50);
    b.sealer.start();
    try {
      const [fromA, fromB] = await Promise.all([appendSome(a.store, 20), appendSome(b.store, 20)]);
      expect(a.sealer.leading).toBe(true);
      expect(b.sealer.leading).toBe(false);
      expect([...fromA, ...fromB].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    } finally {
      await Promise.all([a.sealer.stop(), b.sealer.stop()]);
    }
    await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toEqual({
      ok: true,
      checked: 40,
    });
  });

  it.each([
    ['stops', async (sealer: GlobalLogSealer) => sealer.stop()],
    [
      'loses its connection (pg_terminate_backend)',
      async () => {
        await db.admin((client) =>
          client.query(
            `SELECT pg_terminate_backend(pid) FROM pg_locks
              WHERE locktype = 'advisory' AND granted AND database =
                    (SELECT oid FROM pg_database WHERE datname = current_database())`,
          ),
        );
      },
    ],
  ])('hands over when the leader %s, continuing the same chain', async (_how, end) => {
    const a = instance();
    const b = instance();
    a.sealer.start();
    await sleep(50);
    b.sealer.start();
    try {
      await appendSome(a.store, 10);
      expect(a.sealer.leading).toBe(true);
      await end(a.sealer);
      const later = await appendSome(b.store, 10);
      expect(later).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
      // Whoever asked first after the lock was freed leads; never both.
      expect([a.sealer.leading, b.sealer.leading].filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all([a.sealer.stop(), b.sealer.stop()]);
    }
    await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toEqual({
      ok: true,
      checked: 20,
    });
  });
});
