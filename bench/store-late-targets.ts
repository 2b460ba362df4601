import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { allEventContracts } from '@soc/contracts';
import { EventStore, EventTypeRegistry } from '@soc/event-store';
import {
  benchMetadata,
  emmettEvents,
  emmettReader,
  openEmmett,
  openOurStore,
  type OpenStore,
  organisationData,
  ourEvents,
  ourPoolSize,
  rawInsert,
} from './contenders.js';
import {
  FOLLOW_BATCH,
  LATE_WRITERS,
  poll,
  type Follower,
  type Seen,
  type SlowConnection,
  type Target,
} from './store-late-follow.js';
import { benchPool, stockTypes } from './server.js';

const streamName = (prefix: string, index: number) =>
  `${prefix}-w${index}-${randomBytes(4).toString('hex')}`;

/** BEGIN, `write`, sleep, COMMIT or ROLLBACK on one held client. */
async function slowly<T>(
  client: pg.PoolClient,
  write: () => Promise<T>,
  sleepMs: number,
  commit: boolean,
): Promise<T> {
  await client.query('BEGIN');
  try {
    const written = await write();
    await sleep(sleepMs);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return written;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Slow transactions that write a row of their own in the store's database. Appends through
 * Emmett's public API cannot join a transaction the caller holds, so the slow transactions hold
 * back what its reader waits on instead: the oldest running transaction (the snapshot's xmin),
 * which every append that starts meanwhile commits behind.
 */
async function sideTableSlowConnections(url: string) {
  const pool = benchPool({ connectionString: url, max: 8 });
  await pool.query('CREATE TABLE IF NOT EXISTS bench_slow (id bigserial PRIMARY KEY)');
  return {
    async connection(): Promise<SlowConnection> {
      const client = await pool.connect();
      return {
        transact: (sleepMs, commit) =>
          slowly(
            client,
            async () => {
              await client.query('INSERT INTO bench_slow DEFAULT VALUES');
              return [];
            },
            sleepMs,
            commit,
          ),
        release: () => client.release(),
      };
    },
    close: () => pool.end(),
  };
}

/**
 * Raw: each append is one autocommit INSERT; the slow transactions are raw appends too (an
 * INSERT of one event to a stream of its own), made inside a transaction the bench holds open,
 * so their seq is taken long before they commit.
 */
export function rawTarget(url: string): Target {
  const writers = benchPool({ connectionString: url, max: LATE_WRITERS, types: stockTypes });
  const slow = benchPool({ connectionString: url, max: 8, types: stockTypes });
  const reader = benchPool({ connectionString: url, max: 1, types: stockTypes });
  let after = '0';
  return {
    writer(index) {
      const stream = streamName('bench:raw', index);
      return async (version) => {
        await rawInsert(writers, stream, [organisationData()], version);
        return { stream, version: version + 1 };
      };
    },
    async slowConnection() {
      const client = await slow.connect();
      return {
        transact: (sleepMs, commit) =>
          slowly(
            client,
            async () => {
              const stream = `bench:slow-${randomUUID()}`;
              await rawInsert(client, stream, [organisationData()]);
              return [{ stream, version: 1 }];
            },
            sleepMs,
            commit,
          ),
        release: () => client.release(),
      };
    },
    followers: [
      {
        label: 'raw: WHERE seq > $1 ORDER BY seq',
        follow: (done) =>
          poll(async () => {
            const { rows } = await reader.query<{
              seq: string;
              stream_id: string;
              stream_version: number;
            }>(
              `SELECT seq, stream_id, stream_version FROM raw_events
                WHERE seq > $1 ORDER BY seq LIMIT ${FOLLOW_BATCH}`,
              [after],
            );
            if (rows.length > 0) after = rows[rows.length - 1].seq;
            return rows.map((r) => ({ stream: r.stream_id, version: r.stream_version }));
          }, done),
      },
    ],
    close: async () => {
      await writers.end();
      await slow.end();
      await reader.end();
    },
  };
}

/**
 * Ours: slow transactions are appends of its own, each the first write of a transaction the bench
 * holds open (an `EventStore` on that one connection), so their rows carry a transaction id taken
 * long before they commit. Other writes would not hold its sealer back: it waits for appends only.
 */
function ourSlowConnections(url: string, open: OpenStore) {
  const pool = benchPool({ connectionString: url, max: 8, types: stockTypes });
  return {
    async connection(): Promise<SlowConnection> {
      const client = await pool.connect();
      const inTransaction = new EventStore(
        client as unknown as pg.Pool,
        new EventTypeRegistry(allEventContracts),
        open.sealer,
      );
      return {
        transact: (sleepMs, commit) =>
          slowly(
            client,
            async () => {
              const stream = `bench:slow-${randomUUID()}`;
              await inTransaction.append(
                stream,
                'no-stream',
                ourEvents([organisationData()]),
                benchMetadata(),
                { awaitGlobalPosition: false },
              );
              return [{ stream, version: 1 }];
            },
            sleepMs,
            commit,
          ),
        release: () => client.release(),
      };
    },
    close: () => pool.end(),
  };
}

/** Ours: `EventStore.append` with its default options (it answers with the global position). */
export async function ourTarget(url: string): Promise<Target> {
  const open = openOurStore(url, ourPoolSize(LATE_WRITERS));
  const slow = ourSlowConnections(url, open);
  let after = 0;
  return {
    writer(index) {
      const stream = streamName('bench:ours', index);
      return async (version) => {
        const result = await open.store.append(
          stream,
          version === 0 ? 'no-stream' : version,
          ourEvents([organisationData()]),
          benchMetadata(),
        );
        return { stream, version: result.streamVersion };
      };
    },
    slowConnection: () => slow.connection(),
    followers: [
      {
        label: `ours: readAll({ after, limit: ${FOLLOW_BATCH} })`,
        follow: (done) =>
          poll(
            async () => {
              const events = await open.store.readAll({ after, limit: FOLLOW_BATCH });
              if (events.length > 0) after = events[events.length - 1].globalPosition ?? after;
              return events.map((e) => ({ stream: e.streamId, version: e.streamVersion }));
            },
            done,
            async (committed) => {
              // Let the sealer order everything that was committed before the last pass.
              const deadline = Date.now() + 15_000;
              while (
                (await open.store.headPosition()) < committed.keys.size &&
                Date.now() < deadline
              ) {
                await sleep(10);
              }
            },
          ),
      },
    ],
    close: async () => {
      await slow.close();
      await open.close();
    },
  };
}

function emmettConsumerFollower(
  url: string,
  label: string,
  pulling: { batchSize?: number; pullingFrequencyInMs?: number } | undefined,
): Follower {
  return {
    label,
    note: pulling
      ? `batchSize ${pulling.batchSize}, pullingFrequencyInMs ${pulling.pullingFrequencyInMs}`
      : 'defaults: batchSize 100, pullingFrequencyInMs 50',
    async follow(writersDone) {
      const emmett = openEmmett(url, 4);
      const seen: Seen[] = [];
      const consumer = emmett.store.consumer(pulling ? { pulling } : {});
      consumer.reactor({
        processorId: `bench-${randomUUID()}`,
        eachMessage: async (message) => {
          seen.push({
            stream: message.metadata.streamName,
            version: Number(message.metadata.streamPosition),
          });
        },
      });
      const running = consumer.start();
      const committed = await writersDone;
      const whileWriting = seen.length;
      try {
        // Its pull loop backs off to 1 s when idle: wait until it has delivered everything or
        // has been quiet for 3 s.
        let last = -1;
        let quietSince = Date.now();
        while (seen.length < committed.keys.size && Date.now() - quietSince < 3000) {
          if (seen.length !== last) {
            last = seen.length;
            quietSince = Date.now();
          }
          await sleep(50);
        }
        await sleep(300);
      } finally {
        await consumer.stop();
        await running.catch(() => undefined);
        await emmett.close();
      }
      return { seen, whileWriting };
    },
  };
}

/** Emmett: `appendToStream` through its public API, with its own readers following. */
export async function emmettTarget(url: string, withConsumers: boolean): Promise<Target> {
  const emmett = openEmmett(url, LATE_WRITERS);
  const slow = await sideTableSlowConnections(url);
  const reader = benchPool({ connectionString: url, max: 1 });
  const read = emmettReader(reader, url);
  let after = 0n;
  const followers: Follower[] = [
    {
      label: `Emmett: readMessagesBatch({ after, batchSize: ${FOLLOW_BATCH} })`,
      follow: (done) =>
        poll(async () => {
          const batch = await read(after, FOLLOW_BATCH);
          after = batch.currentGlobalPosition;
          return batch.messages.map((m) => ({
            stream: m.metadata.streamName,
            version: Number(m.metadata.streamPosition),
          }));
        }, done),
    },
  ];
  if (withConsumers) {
    followers.push(
      emmettConsumerFollower(url, 'Emmett: consumer + reactor (defaults)', undefined),
      emmettConsumerFollower(url, 'Emmett: consumer + reactor (tuned)', {
        batchSize: 1000,
        pullingFrequencyInMs: 10,
      }),
    );
  }
  return {
    writer(index) {
      const stream = streamName('organisation', index);
      return async (version) => {
        const result = await emmett.store.appendToStream(
          stream,
          emmettEvents([organisationData()]),
          { expectedStreamVersion: BigInt(version) },
        );
        return { stream, version: Number(result.nextExpectedStreamVersion) };
      };
    },
    slowConnection: () => slow.connection(),
    followers,
    close: async () => {
      await slow.close();
      await emmett.close();
      await reader.end();
    },
  };
}
