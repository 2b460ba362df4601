import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts } from '@soc/contracts';
import {
  createTestDatabase,
  CuttableProxy,
  eventStoreFor,
  organisationRegistered,
  type TestDatabase,
} from '@soc/testing';
import { Pool } from 'pg';
import { EventStore, EventTypeRegistry, type GlobalLogSealer } from './index.js';

const metadata = {
  actor: { personId: 'officer-1', organisationId: 'durham-constabulary' },
  correlationId: randomUUID(),
};
const events = () => [1, 2, 3].map((n) => organisationRegistered(`org-${n}`));

/**
 * After a lost connection the caller cannot know whether its append committed. Appending the
 * same events again must then answer with the original result, whichever way it went.
 */
describe('retry after a connection lost around commit (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let proxy: CuttableProxy;
  let flakyPool: Pool;
  let flakyStore: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    const url = new URL(db.url);
    proxy = new CuttableProxy(url.hostname, Number(url.port));
    const port = await proxy.listen();
    url.host = `127.0.0.1:${port}`;
    flakyPool = new Pool({ connectionString: url.toString(), max: 1 });
    flakyPool.on('error', () => undefined);
    flakyStore = new EventStore(flakyPool, new EventTypeRegistry(allEventContracts), sealer);
  });
  afterAll(async () => {
    await flakyPool.end();
    await proxy.close();
    await sealer.stop();
    await db.drop();
  });

  const stored = async (stream: string) =>
    Number(
      (
        await db.pool.query('SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1', [
          stream,
        ])
      ).rows[0].n,
    );

  it('answers the retry with the original result when the commit happened but its reply was lost', async () => {
    const stream = `organisation:${randomUUID()}`;
    const batch = events();
    await flakyPool.query('SELECT 1');
    proxy.loseNextReply();
    await expect(flakyStore.append(stream, 'no-stream', batch, metadata)).rejects.toThrow();
    await sleep(50);
    expect(await stored(stream)).toBe(3);

    const retried = await store.append(stream, 'no-stream', batch, metadata);
    expect(retried).toMatchObject({
      streamId: stream,
      streamVersion: 3,
      eventIds: batch.map((e) => e.eventId),
    });
    expect(retried.globalPosition).toBeGreaterThan(0);
    expect(await stored(stream)).toBe(3);
    const again = await store.append(stream, 'no-stream', batch, metadata);
    expect(again).toEqual(retried);
  });

  it('appends once on retry when the request never reached the server', async () => {
    const stream = `organisation:${randomUUID()}`;
    const batch = events();
    await flakyPool.query('SELECT 1');
    proxy.loseNextRequest();
    await expect(flakyStore.append(stream, 'no-stream', batch, metadata)).rejects.toThrow();
    expect(await stored(stream)).toBe(0);

    await expect(store.append(stream, 'no-stream', batch, metadata)).resolves.toMatchObject({
      streamVersion: 3,
    });
    expect(await stored(stream)).toBe(3);
  });

  it('answers a retry with the original result after the server ended every session', async () => {
    const stream = `organisation:${randomUUID()}`;
    const batch = events();
    const first = await store.append(stream, 'no-stream', batch, metadata);
    await db.admin((client) =>
      client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'keep'`,
      ),
    );
    await expect(store.append(stream, 'no-stream', batch, metadata)).resolves.toEqual(first);
    expect(await stored(stream)).toBe(3);
  });
});
