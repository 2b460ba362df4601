import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { defaultTag } from '@event-driven-io/emmett-postgresql';
import { allEventContracts } from '@soc/contracts';
import { EventStore, EventTypeRegistry } from '@soc/event-store';
import {
  benchMetadata,
  EMMETT_EVENT_TYPE,
  emmettReader,
  openEmmett,
  openOurStore,
  organisationData,
  ourEvents,
  prepareEmmett,
  prepareRaw,
  rawInsert,
} from './contenders.js';
import { stockTypes, type BenchServer } from './server.js';

export const LATE_WRITERS = 32;
const MAX_SLEEP_MS = 20;
const ROLLBACK_RATE = 0.01;
const FOLLOW_BATCH = 50;

/** What a follower saw: each delivery of an event, in delivery order. */
interface Seen {
  readonly id: string;
  readonly stream: string;
  readonly version: number;
}

interface Committed {
  readonly ids: ReadonlySet<string>;
}

interface Followed {
  readonly seen: Seen[];
  /** Deliveries made before the last writer finished: shows the follower really ran concurrently. */
  readonly whileWriting: number;
}

export interface LateCommitRow {
  readonly label: string;
  readonly committed: number;
  readonly rolledBack: number;
  readonly delivered: number;
  /** Of which delivered before the writers had finished. */
  readonly whileWriting: number;
  readonly missed: number;
  readonly duplicated: number;
  readonly outOfOrderStreams: number;
  /** Events delivered that were never committed (rolled back): must be 0 everywhere. */
  readonly phantom: number;
  readonly seconds: number;
  readonly note?: string;
}

/** One writer's connection: runs one transaction appending one event at a stream version. */
interface Writer {
  /** BEGIN, append one event after `version`, sleep, then COMMIT or ROLLBACK; returns the event ids. */
  transact(version: number, sleepMs: number, commit: boolean): Promise<readonly string[]>;
  release(): void;
}

interface Follower {
  readonly label: string;
  readonly note?: string;
  /** Follows until the writers are done and it has caught up; returns every delivery. */
  follow(writersDone: Promise<Committed>): Promise<Followed>;
}

interface Target {
  writer(index: number): Promise<Writer>;
  followers: Follower[];
  close(): Promise<void>;
}

/**
 * Polls `read` (which advances its own checkpoint) in small batches. Once the writers are done
 * and `beforeDrain` has returned, a short batch means the follower has caught up.
 */
async function poll(
  read: () => Promise<Seen[]>,
  writersDone: Promise<Committed>,
  beforeDrain: (committed: Committed) => Promise<void> = async () => undefined,
): Promise<Followed> {
  const seen: Seen[] = [];
  let committed: Committed | null = null;
  let whileWriting = 0;
  void writersDone.then((c) => {
    committed = c;
    whileWriting = seen.length;
  });
  let draining = false;
  for (;;) {
    const finalPass = draining;
    const batch = await read();
    seen.push(...batch);
    if (batch.length >= FOLLOW_BATCH) continue;
    if (finalPass) return { seen, whileWriting };
    if (committed) {
      await beforeDrain(committed);
      draining = true;
    } else {
      await sleep(2);
    }
  }
}

async function transactOnClient(
  client: pg.PoolClient,
  append: () => Promise<readonly string[]>,
  sleepMs: number,
  commit: boolean,
): Promise<readonly string[]> {
  await client.query('BEGIN');
  try {
    const ids = await append();
    await sleep(sleepMs);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return ids;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function rawTarget(url: string): Promise<Target> {
  await prepareRaw(url);
  const writers = new pg.Pool({ connectionString: url, max: LATE_WRITERS, types: stockTypes });
  const reader = new pg.Pool({ connectionString: url, max: 1, types: stockTypes });
  let after = '0';
  return {
    async writer(index) {
      const client = await writers.connect();
      const stream = `bench:w${index}-${randomBytes(4).toString('hex')}`;
      return {
        transact: (version, sleepMs, commit) =>
          transactOnClient(client, () => rawInsert(client, stream, 1, version), sleepMs, commit),
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
              event_id: string;
              stream_id: string;
              stream_version: number;
            }>(
              `SELECT seq, event_id, stream_id, stream_version FROM raw_events
                WHERE seq > $1 ORDER BY seq LIMIT ${FOLLOW_BATCH}`,
              [after],
            );
            if (rows.length > 0) after = rows[rows.length - 1].seq;
            return rows.map((r) => ({
              id: r.event_id,
              stream: r.stream_id,
              version: r.stream_version,
            }));
          }, done),
      },
    ],
    close: async () => {
      await writers.end();
      await reader.end();
    },
  };
}

async function ourTarget(url: string): Promise<Target> {
  const main = openOurStore(url, 4);
  const writers = new pg.Pool({ connectionString: url, max: LATE_WRITERS, types: stockTypes });
  const registry = new EventTypeRegistry(allEventContracts);
  let after = 0;
  return {
    async writer(index) {
      const client = await writers.connect();
      // The store only ever calls pool.query(); routing it to one held client puts the store's
      // own INSERT inside our transaction, so the commit can be made late.
      const onClient = { query: client.query.bind(client) } as unknown as pg.Pool;
      const store = new EventStore(onClient, registry, main.sealer);
      const stream = `bench:w${index}-${randomBytes(4).toString('hex')}`;
      return {
        transact: (version, sleepMs, commit) =>
          transactOnClient(
            client,
            async () =>
              (
                await store.append(
                  stream,
                  version === 0 ? 'no-stream' : version,
                  ourEvents(1),
                  benchMetadata(),
                  { awaitGlobalPosition: false },
                )
              ).eventIds,
            sleepMs,
            commit,
          ),
        release: () => client.release(),
      };
    },
    followers: [
      {
        label: 'ours: readAll({ after, limit: 50 })',
        follow: (done) =>
          poll(
            async () => {
              const events = await main.store.readAll({ after, limit: FOLLOW_BATCH });
              if (events.length > 0) after = events[events.length - 1].globalPosition ?? after;
              return events.map((e) => ({
                id: e.eventId,
                stream: e.streamId,
                version: e.streamVersion,
              }));
            },
            done,
            async (committed) => {
              // Let the sealer order everything that was committed before the last pass.
              const deadline = Date.now() + 15_000;
              while (
                (await main.store.headPosition()) < committed.ids.size &&
                Date.now() < deadline
              ) {
                await sleep(10);
              }
            },
          ),
      },
    ],
    close: async () => {
      await writers.end();
      await main.close();
    },
  };
}

const EMMETT_APPEND = `
  SELECT success FROM emt_append_to_stream($1::text[], $2::jsonb[], $3::jsonb[], $4::text[],
    $5::text[], $6::text[], $7::text, $8::text, $9::bigint, $10::text)`;

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
            id: message.metadata.messageId,
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
        while (seen.length < committed.ids.size && Date.now() - quietSince < 3000) {
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

async function emmettTarget(url: string, withConsumers: boolean): Promise<Target> {
  await prepareEmmett(url);
  const writers = new pg.Pool({ connectionString: url, max: LATE_WRITERS });
  const reader = new pg.Pool({ connectionString: url, max: 1 });
  const read = emmettReader(reader, url);
  let after = 0n;
  const followers: Follower[] = [
    {
      label: 'Emmett: readMessagesBatch({ after, batchSize: 50 })',
      follow: (done) =>
        poll(async () => {
          const batch = await read(after, FOLLOW_BATCH);
          after = batch.currentGlobalPosition;
          return batch.messages.map((m) => ({
            id: m.metadata.messageId,
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
    async writer(index) {
      const client = await writers.connect();
      const stream = `organisation-w${index}-${randomBytes(4).toString('hex')}`;
      return {
        transact: (version, sleepMs, commit) =>
          transactOnClient(
            client,
            async () => {
              const id = randomUUID();
              const { rows } = await client.query<{ success: boolean }>(EMMETT_APPEND, [
                [id],
                [JSON.stringify(organisationData())],
                ['{}'],
                ['1'],
                [EMMETT_EVENT_TYPE],
                ['E'],
                stream,
                'organisation',
                version,
                defaultTag,
              ]);
              if (!rows[0]?.success) throw new Error(`Emmett refused the append to ${stream}`);
              return [id];
            },
            sleepMs,
            commit,
          ),
        release: () => client.release(),
      };
    },
    followers,
    close: async () => {
      await writers.end();
      await reader.end();
    },
  };
}

function judge(
  label: string,
  committed: ReadonlySet<string>,
  rolledBack: number,
  seen: readonly Seen[],
  whileWriting: number,
  seconds: number,
  note?: string,
): LateCommitRow {
  const unique = new Set<string>();
  let duplicated = 0;
  const maxVersion = new Map<string, number>();
  const outOfOrder = new Set<string>();
  for (const s of seen) {
    if (unique.has(s.id)) duplicated++;
    unique.add(s.id);
    const max = maxVersion.get(s.stream) ?? 0;
    if (s.version <= max) outOfOrder.add(s.stream);
    else maxVersion.set(s.stream, s.version);
  }
  let missed = 0;
  for (const id of committed) if (!unique.has(id)) missed++;
  let phantom = 0;
  for (const id of unique) if (!committed.has(id)) phantom++;
  return {
    label,
    committed: committed.size,
    rolledBack,
    delivered: seen.length,
    whileWriting,
    missed,
    duplicated,
    outOfOrderStreams: outOfOrder.size,
    phantom,
    seconds,
    note,
  };
}

/**
 * 32 writers each append to their own stream in explicit transactions that sleep 0-20 ms before
 * COMMIT (1% roll back), while followers read the log by position in batches of 50.
 */
export async function lateCommitTest(
  server: BenchServer,
  kind: 'raw' | 'ours' | 'emmett',
  transactionsPerWriter: number,
  onTransaction: () => void,
  withConsumers = true,
): Promise<LateCommitRow[]> {
  const target =
    kind === 'raw'
      ? await rawTarget(await server.createDatabase())
      : kind === 'ours'
        ? await ourTarget(await server.createEventStoreDatabase())
        : await emmettTarget(await server.createDatabase(), withConsumers);
  try {
    const committed = new Set<string>();
    let rolledBack = 0;
    let writeError: unknown = null;
    const start = performance.now();
    const writers = await Promise.all(
      Array.from({ length: LATE_WRITERS }, (_, i) => target.writer(i)),
    );
    const writing = Promise.all(
      writers.map(async (writer) => {
        let version = 0;
        for (let i = 0; i < transactionsPerWriter; i++) {
          const commit = Math.random() >= ROLLBACK_RATE;
          const ids = await writer.transact(version, Math.random() * MAX_SLEEP_MS, commit);
          if (commit) {
            for (const id of ids) committed.add(id);
            version += ids.length;
          } else {
            rolledBack += ids.length;
          }
          onTransaction();
        }
        writer.release();
      }),
    ).then(
      (): Committed => ({ ids: committed }),
      (error: unknown): Committed => {
        writeError = error ?? new Error('A writer failed');
        return { ids: committed };
      },
    );
    const following = target.followers.map(async (follower) => {
      const followed = await follower.follow(writing);
      return { follower, ...followed, seconds: (performance.now() - start) / 1000 };
    });
    await writing;
    const results = await Promise.all(following);
    if (writeError) throw writeError;
    return results.map(({ follower, seen, whileWriting, seconds }) =>
      judge(follower.label, committed, rolledBack, seen, whileWriting, seconds, follower.note),
    );
  } finally {
    await target.close();
  }
}
