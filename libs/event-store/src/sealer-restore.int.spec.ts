import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts } from '@soc/contracts';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import { EventStore, EventTypeRegistry, GlobalLogSealer, IntegrityVerifier } from './index.js';

/**
 * A logical restore (pg_dump into another cluster) copies transaction ids as data while the new
 * cluster hands out ids from its own, lower counter. New appends then sort before the sealer's
 * head; the sealer must notice, seal what the restore brought unsealed, and carry on.
 */
describe('sealer after a logical restore (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('resets its head, loses nothing and seals nothing twice', async () => {
    const first = eventStoreFor(db.pool);
    const before = `organisation:${randomUUID()}`;
    await first.store.append(
      before,
      'no-stream',
      [organisationRegistered('a'), organisationRegistered('b')],
      appendMetadata(),
    );
    await first.sealer.stop();
    // Committed in the old cluster but not yet sealed when the dump was taken.
    const unsealed = `organisation:${randomUUID()}`;
    await first.store.append(
      unsealed,
      'no-stream',
      [organisationRegistered('c')],
      appendMetadata(),
      {
        awaitGlobalPosition: false,
      },
    );

    // The restored rows carry the old, busier cluster's transaction ids: far above this one's.
    await db.admin(async (client) => {
      await client.query('SET session_replication_role = replica');
      await client.query(
        `UPDATE event_store.events SET transaction_id = (transaction_id::text::bigint + 1000000000)::text::xid8`,
      );
      await client.query(
        `UPDATE event_store.sealer_head SET transaction_id = (transaction_id::text::bigint + 1000000000)::text::xid8`,
      );
    });

    const resets: number[] = [];
    const sealer = new GlobalLogSealer(db.pool, { onReset: (n) => resets.push(n) });
    const store = new EventStore(db.pool, new EventTypeRegistry(allEventContracts), sealer);
    await expect(sealer.sealOnce()).resolves.toBe(1);
    expect(resets).toEqual([1]);
    sealer.start();
    try {
      const after = `organisation:${randomUUID()}`;
      const appended = await store.append(
        after,
        'no-stream',
        [organisationRegistered('d'), organisationRegistered('e')],
        appendMetadata(),
      );
      expect(appended.globalPosition).toBe(5);
      for (let i = 0; i < 3; i++) {
        await store.append(after, 'any', [organisationRegistered(`f${i}`)], appendMetadata());
        await sleep(30);
      }
      expect(resets).toEqual([1]);
      const log = await store.readAll({ limit: 100 });
      expect(log.map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(log.map((e) => e.streamId)).toEqual([
        before,
        before,
        unsealed,
        after,
        after,
        after,
        after,
        after,
      ]);
      await expect(sealer.measureLag()).resolves.toMatchObject({ unsealed: 0 });
      await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toEqual({
        ok: true,
        checked: 8,
      });
    } finally {
      await sealer.stop();
    }
  });
});
