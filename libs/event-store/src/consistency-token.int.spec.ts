import { randomUUID } from 'node:crypto';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  openAppendTransaction,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import { EventStore, GlobalLogSealer, UnknownConsistencyTokenError } from './index.js';

const actor = { personId: 'analyst-1', organisationId: 'cleveland-police' };
const organisation = () => organisationRegistered(`org-${randomUUID()}`);

/** The global position of a stream's last event, read back from the log once sealed. */
async function lastPosition(store: EventStore, streamId: string): Promise<number | null> {
  const events = await store.readStream(streamId);
  return events[events.length - 1].globalPosition;
}

describe('Consistency tokens: an append answers at commit, a read waits on the token (real PostgreSQL)', () => {
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

  it('stands for exactly the last event of its append: 32 concurrent writers, every token resolves to that event’s position', async () => {
    const appends = await Promise.all(
      Array.from({ length: 32 }, async (_, writer) => {
        const results = [];
        for (let i = 0; i < 5; i++) {
          const streamId = `organisation:${randomUUID()}`;
          const events = Array.from({ length: 1 + ((writer + i) % 4) }, organisation);
          const result = await store.append(streamId, 'no-stream', events, appendMetadata(actor), {
            awaitGlobalPosition: false,
          });
          expect(result.globalPosition).toBeNull();
          results.push(result);
        }
        return results;
      }),
    );
    const all = appends.flat();
    expect(new Set(all.map((a) => a.consistencyToken)).size).toBe(all.length);

    const positions = await Promise.all(
      all.map((a) => store.positionOfToken(a.consistencyToken, 5000)),
    );
    for (const [i, append] of all.entries()) {
      expect(positions[i]).toBe(await lastPosition(store, append.streamId));
    }
    expect(new Set(positions).size).toBe(all.length);
  });

  it('is the same token an awaiting append and a retry of it answer with', async () => {
    const streamId = `organisation:${randomUUID()}`;
    const events = [organisation(), organisation()].map((e) => ({ ...e, eventId: randomUUID() }));
    const first = await store.append(streamId, 'no-stream', events, appendMetadata(actor));
    expect(first.globalPosition).not.toBeNull();
    const retry = await store.append(streamId, 'no-stream', events, appendMetadata(actor), {
      awaitGlobalPosition: false,
    });
    expect(retry.consistencyToken).toBe(first.consistencyToken);
    expect(await store.positionOfToken(first.consistencyToken, 5000)).toBe(first.globalPosition);
  });

  it('is carried by a loaded stream, for a command that decides nothing new', async () => {
    const streamId = `organisation:${randomUUID()}`;
    const appended = await store.append(
      streamId,
      'no-stream',
      [organisation()],
      appendMetadata(actor),
    );
    const decider = { initialState: () => null, evolve: () => null, decide: () => [] };
    const loaded = await store.load(streamId, decider);
    expect(loaded.consistencyToken).toBe(appended.consistencyToken);
    const unchanged = await store.decideOn(streamId, decider, loaded, {}, appendMetadata(actor));
    expect(unchanged.consistencyToken).toBe(appended.consistencyToken);
    const empty = await store.load(`organisation:${randomUUID()}`, decider);
    expect(empty.consistencyToken).toBeNull();
    expect(await store.positionOfToken('0', 10)).toBe(0);
  });

  it.each([
    ['a seq no append stored', '987654321'],
    ['not a number', 'abc'],
    ['negative', '-5'],
    ['a leading zero', '012'],
    ['past a bigint', '99999999999999999999'],
    ['a position, not a token', '1.5'],
    ['empty', ''],
  ])('refuses a token that is %s, at once', async (_, token) => {
    // A wait far past the test's own timeout: only a refusal at once lets the test finish.
    await expect(store.positionOfToken(token, 600_000)).rejects.toBeInstanceOf(
      UnknownConsistencyTokenError,
    );
  });

  it('answers null within the wait behind an older append still open, then the position once it commits', async () => {
    const older = await openAppendTransaction(db.pool, sealer);
    try {
      const olderStream = `organisation:${randomUUID()}`;
      await older.store.append(olderStream, 'no-stream', [organisation()], appendMetadata(actor), {
        awaitGlobalPosition: false,
      });
      const newer = await store.append(
        `organisation:${randomUUID()}`,
        'no-stream',
        [organisation()],
        appendMetadata(actor),
        { awaitGlobalPosition: false },
      );
      expect(await store.positionOfToken(newer.consistencyToken, 300)).toBeNull();

      await older.end('COMMIT');
      const position = await store.positionOfToken(newer.consistencyToken, 5000);
      expect(position).toBe(await lastPosition(store, newer.streamId));
      expect(position).toBeGreaterThan((await lastPosition(store, olderStream))!);
    } finally {
      await older.end('ROLLBACK');
    }
  });

  it('resolves a token another instance issued, sealed or not yet', async () => {
    const other = eventStoreFor(db.pool);
    try {
      const appends = await Promise.all(
        [true, false].map((awaitGlobalPosition) =>
          store.append(
            `organisation:${randomUUID()}`,
            'no-stream',
            [organisation()],
            appendMetadata(actor),
            { awaitGlobalPosition },
          ),
        ),
      );
      for (const appended of appends) {
        expect(await other.store.positionOfToken(appended.consistencyToken, 5000)).toBe(
          await lastPosition(store, appended.streamId),
        );
      }
    } finally {
      await other.sealer.stop();
    }
  });
});
