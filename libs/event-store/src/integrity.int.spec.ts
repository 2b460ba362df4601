import { randomUUID } from 'node:crypto';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import { type EventStore, type GlobalLogSealer, IntegrityVerifier } from './index.js';

describe('tamper evidence and append-only storage (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let verifier: IntegrityVerifier;

  beforeEach(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    verifier = new IntegrityVerifier(db.pool);
  });
  afterEach(async () => {
    await sealer.stop();
    await db.drop();
  });

  /** Three streams of three events each; returns the middle stream's id. */
  async function history(): Promise<string> {
    const streams = [
      `organisation:${randomUUID()}`,
      `organisation:${randomUUID()}`,
      `organisation:${randomUUID()}`,
    ];
    for (const stream of streams) {
      await store.append(
        stream,
        'no-stream',
        [organisationRegistered('a'), organisationRegistered('b'), organisationRegistered('c')],
        appendMetadata(),
      );
    }
    return streams[1];
  }

  /** What someone with database superuser rights could do behind the application's back. */
  const tamper = (sql: string, params: unknown[] = []) =>
    db.admin(async (client) => {
      await client.query('SET session_replication_role = replica');
      await client.query(sql, params);
    });

  it('verifies an untouched stream and log', async () => {
    const stream = await history();
    await expect(verifier.verifyStream(stream)).resolves.toEqual({ ok: true, checked: 3 });
    await expect(verifier.verifyLog()).resolves.toEqual({ ok: true, checked: 9 });
  });

  it('names the first altered event of a stream and of the log', async () => {
    const stream = await history();
    await tamper(
      `UPDATE event_store.events SET payload = jsonb_set(payload, '{name}', '"someone else"')
        WHERE stream_id = $1 AND stream_version = 2`,
      [stream],
    );
    await expect(verifier.verifyStream(stream)).resolves.toMatchObject({
      ok: false,
      brokenAt: { streamId: stream, streamVersion: 2, reason: expect.stringMatching(/altered/) },
    });
    await expect(verifier.verifyLog()).resolves.toMatchObject({
      ok: false,
      checked: 4,
      brokenAt: { globalPosition: 5, streamId: stream, streamVersion: 2 },
    });
  });

  it('detects an event deleted from the middle of a stream', async () => {
    const stream = await history();
    await tamper(
      `WITH gone AS (SELECT seq FROM event_store.events WHERE stream_id = $1 AND stream_version = 2)
       DELETE FROM event_store.global_log WHERE seq IN (SELECT seq FROM gone)`,
      [stream],
    );
    await tamper(`DELETE FROM event_store.events WHERE stream_id = $1 AND stream_version = 2`, [
      stream,
    ]);
    await expect(verifier.verifyStream(stream)).resolves.toMatchObject({
      ok: false,
      brokenAt: { streamVersion: 3, reason: expect.stringMatching(/missing/) },
    });
    await expect(verifier.verifyLog()).resolves.toMatchObject({
      ok: false,
      brokenAt: { globalPosition: 6, reason: expect.stringMatching(/position 5 is missing/) },
    });
  });

  it('detects a rewritten hash chain and a moved sealing time', async () => {
    const stream = await history();
    const [event] = await store.readStream(stream, 2);
    await tamper(`UPDATE event_store.events SET previous_hash = NULL WHERE event_id = $1`, [
      event.eventId,
    ]);
    await expect(verifier.verifyStream(stream)).resolves.toMatchObject({
      ok: false,
      brokenAt: { streamVersion: 3, reason: expect.stringMatching(/previous hash/) },
    });
    await tamper(
      `UPDATE event_store.global_log SET sealed_at = sealed_at - interval '1 day' WHERE global_position = 2`,
    );
    await expect(verifier.verifyLog()).resolves.toMatchObject({
      ok: false,
      brokenAt: { globalPosition: 2, reason: expect.stringMatching(/global link/) },
    });
  });

  it.each([
    ['UPDATE event_store.events SET payload = $${}$$'],
    ['DELETE FROM event_store.events'],
    ['TRUNCATE event_store.events CASCADE'],
    ['UPDATE event_store.global_log SET hash = $$x$$'],
    ['DELETE FROM event_store.global_log'],
    ['TRUNCATE event_store.global_log'],
  ])('refuses %s in the database itself', async (sql) => {
    await history();
    await expect(db.pool.query(sql)).rejects.toThrow(/append-only/);
    await expect(verifier.verifyLog()).resolves.toEqual({ ok: true, checked: 9 });
  });
});
