import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts, OrganisationRegistered } from '@soc/contracts';
import { createTestDatabase, eventStoreFor, type TestDatabase } from '@soc/testing';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import {
  EventStore,
  EventTypeRegistry,
  type GlobalLogSealer,
  IntegrityVerifier,
  type RecordedEvent,
} from './index.js';

const WRITERS = 32;
const TRANSACTIONS_PER_WRITER = 160;
const STREAMS_PER_WRITER = 4;
const registry = new EventTypeRegistry(allEventContracts);

interface Committed {
  eventIds: Set<string>;
  rolledBack: Set<string>;
}

/**
 * Each transaction appends 1-8 events through the store's own append path, then sleeps inside
 * the open transaction before committing (about 1 % roll back). Rows therefore become visible in
 * an order unrelated to their sequence numbers: the trap that makes sequence-based readers lose events.
 */
async function writer(
  db: TestDatabase,
  sealer: GlobalLogSealer,
  index: number,
  committed: Committed,
) {
  const streams = Array.from({ length: STREAMS_PER_WRITER }, () => ({
    id: `organisation:${randomUUID()}`,
    version: 0,
  }));
  for (let t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
    const stream = streams[t % STREAMS_PER_WRITER];
    const events = Array.from({ length: 1 + ((index + t) % 8) }, (_, i) => ({
      eventId: uuidv7(),
      type: OrganisationRegistered.type,
      data: { organisationId: `w${index}-t${t}-e${i}`, name: 'Writer', kind: 'rocu' as const },
    }));
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const inTransaction = new EventStore(client as unknown as Pool, registry, sealer);
      await inTransaction.append(
        stream.id,
        stream.version === 0 ? 'no-stream' : stream.version,
        events,
        {
          actor: { personId: `writer-${index}`, organisationId: 'test' },
          correlationId: randomUUID(),
        },
        { awaitGlobalPosition: false },
      );
      await sleep(Math.random() * 15);
      if (Math.random() < 0.01) {
        await client.query('ROLLBACK');
        events.forEach((e) => committed.rolledBack.add(e.eventId));
      } else {
        await client.query('COMMIT');
        events.forEach((e) => committed.eventIds.add(e.eventId));
        stream.version += events.length;
      }
    } finally {
      client.release();
    }
  }
}

/** Reads by position in small batches until `done()` holds or nothing new arrives for a second after it may stop. */
async function follow(
  store: EventStore,
  done: () => boolean,
  seen: RecordedEvent[],
  mayStop = () => true,
) {
  let after = 0;
  let idleSince = Date.now();
  for (;;) {
    const batch = await store.readAll({ after, limit: 50 });
    seen.push(...batch);
    if (batch.length > 0) {
      after = batch[batch.length - 1].globalPosition!;
      idleSince = Date.now();
    } else if (done() || (mayStop() && Date.now() - idleSince > 1000)) return;
    else await sleep(2);
  }
}

describe('global order under concurrent, late-committing writers (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: WRITERS + 8 });
    ({ store, sealer } = eventStoreFor(db.pool));
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  it('lets a follower see every committed event exactly once, streams in order, the same order on a re-run', async () => {
    const committed: Committed = { eventIds: new Set(), rolledBack: new Set() };
    const seen: RecordedEvent[] = [];
    let writersDone = false;
    const follower = follow(
      store,
      () => writersDone && seen.length >= committed.eventIds.size,
      seen,
      () => writersDone,
    );
    await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(db, sealer, i, committed)));
    writersDone = true;
    await follower;

    expect(committed.eventIds.size).toBeGreaterThanOrEqual(20_000);
    expect(committed.rolledBack.size).toBeGreaterThan(0);

    const seenIds = seen.map((e) => e.eventId);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds.length).toBe(committed.eventIds.size);
    expect(seenIds.filter((id) => !committed.eventIds.has(id))).toEqual([]);
    expect(seen.map((e) => e.globalPosition)).toEqual(seen.map((_, i) => i + 1));

    const versions = new Map<string, number>();
    const outOfOrder = seen.filter((e) => {
      const previous = versions.get(e.streamId) ?? 0;
      versions.set(e.streamId, e.streamVersion);
      return e.streamVersion !== previous + 1;
    });
    expect(outOfOrder).toEqual([]);

    const rerun: RecordedEvent[] = [];
    await follow(store, () => false, rerun);
    expect(rerun.map((e) => e.eventId)).toEqual(seenIds);

    await expect(new IntegrityVerifier(db.pool).verifyLog()).resolves.toEqual({
      ok: true,
      checked: seen.length,
    });
  });

  it('is held back by an open append, never by a write transaction that appends nothing', async () => {
    await db.pool.query('CREATE TABLE IF NOT EXISTS side_writes (note text)');
    const appendOne = () =>
      store.append(
        `organisation:${randomUUID()}`,
        'no-stream',
        [
          {
            type: OrganisationRegistered.type,
            data: { organisationId: 'h', name: 'H', kind: 'rocu' },
          },
        ],
        { actor: { personId: 'p', organisationId: 'test' }, correlationId: randomUUID() },
      );
    const other = await db.pool.connect();
    try {
      // A projection's or an access log's transaction: it has written, it stays open.
      await other.query('BEGIN');
      await other.query(`INSERT INTO side_writes VALUES ('held open')`);
      const appended = await appendOne();
      expect(appended.globalPosition).toBeGreaterThan(0);
      await other.query('ROLLBACK');

      // An append's transaction, open: a later append waits for it, so no earlier row is skipped.
      await other.query('BEGIN');
      const open = new EventStore(other as unknown as Pool, registry, sealer);
      const early = await open.append(
        `organisation:${randomUUID()}`,
        'no-stream',
        [
          {
            type: OrganisationRegistered.type,
            data: { organisationId: 'e', name: 'E', kind: 'rocu' },
          },
        ],
        { actor: { personId: 'p', organisationId: 'test' }, correlationId: randomUUID() },
        { awaitGlobalPosition: false },
      );
      const later = appendOne();
      await sleep(300);
      await other.query('COMMIT');
      const { globalPosition } = await later;
      const earlyEvent = await store.readEvent(early.eventIds[0]);
      expect(earlyEvent!.globalPosition).toBeLessThan(globalPosition!);
    } finally {
      other.release();
    }
  });

  it('refuses an append in a transaction that wrote elsewhere first: it may lie below the horizon', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO side_writes VALUES ('first')`);
      const inTransaction = new EventStore(client as unknown as Pool, registry, sealer);
      await expect(
        inTransaction.append(
          `organisation:${randomUUID()}`,
          'no-stream',
          [
            {
              type: OrganisationRegistered.type,
              data: { organisationId: 'r', name: 'R', kind: 'rocu' },
            },
          ],
          { actor: { personId: 'p', organisationId: 'test' }, correlationId: randomUUID() },
          { awaitGlobalPosition: false },
        ),
      ).rejects.toMatchObject({ code: '55000' });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
