import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { EVENT_STORE_POOL, IntegrityVerifier } from '@soc/event-store';
import { DeliveryRuntime } from '@soc/messaging';
import { type RunningPostgres, startEmbeddedPostgres } from '@soc/platform';
import { databaseUrl, freePort, kafkaIsOff } from '@soc/testing';
import { principal, startTestApp, type TestApp } from './support/test-app.js';
import { type Outcome, WriteLoad } from './support/write-load.js';

/**
 * The process survives its database: under concurrent writers and live projection feeds,
 * PostgreSQL sessions are terminated, the server is killed and restarted, and a session idles in
 * its transaction past the server's timeout. Each time the process stays up, /health tells the
 * truth, no acknowledged command is lost or doubled, no failed one is half applied, and the hash
 * chains verify. The server is one this file starts, so killing it touches no other test.
 */

type Mode = 'in-process delivery' | 'delivery over Kafka';
const modes: Mode[] = kafkaIsOff
  ? ['in-process delivery']
  : ['in-process delivery', 'delivery over Kafka'];

const root = mkdtempSync(join(tmpdir(), 'soc-database-faults-'));
chmodSync(root, 0o755); // run as root, the server runs as the postgres user
const cluster = join(root, 'cluster');
let server: RunningPostgres;
let port = 0;

const startServer = () =>
  startEmbeddedPostgres({ dir: cluster, port, database: 'postgres', supervise: false });

async function asSuperuser<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(server.url, 'postgres') });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  port = await freePort();
  server = await startServer();
}, 120_000);

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

/** What the test saw of /health while a fault lasted. */
class HealthWatch {
  readonly statuses: number[] = [];
  private running = true;
  private readonly loop: Promise<void>;
  downMessage = '';

  constructor(private readonly t: TestApp) {
    this.loop = this.watch();
  }

  private async watch() {
    while (this.running) {
      const response = await this.t
        .http()
        .get('/health')
        .timeout(10_000)
        .catch(() => null);
      const status = response?.status ?? 0;
      this.statuses.push(status);
      if (status === 503 && !this.downMessage) {
        this.downMessage = String(response!.body.detail);
      }
      await sleep(100);
    }
  }

  /** Waits for /health to answer 200 again; returns when that was. */
  async untilUp(timeoutMs = 90_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.t
        .http()
        .get('/health')
        .timeout(10_000)
        .catch(() => null);
      if (response?.status === 200) return Date.now();
      if (Date.now() > deadline) throw new Error('/health did not come back to 200');
      await sleep(100);
    }
  }

  async stop() {
    this.running = false;
    await this.loop;
  }
}

interface Fault {
  name: string;
  /** Whether the database is really gone for a while, so /health must go 503. */
  outage: boolean;
  env?: Record<string, string>;
  inflict(t: TestApp): Promise<void>;
}

const faults: Fault[] = [
  {
    name: 'every application session terminated (connections refused for 2 s)',
    outage: true,
    async inflict(t) {
      await asSuperuser(async (client) => {
        await client.query(`ALTER DATABASE ${t.db.name} WITH ALLOW_CONNECTIONS false`);
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
          [t.db.name],
        );
        await sleep(2000);
        await client.query(`ALTER DATABASE ${t.db.name} WITH ALLOW_CONNECTIONS true`);
      });
    },
  },
  {
    name: 'PostgreSQL killed (SIGKILL) and restarted 2 s later',
    outage: true,
    async inflict() {
      process.kill(server.pid!, 'SIGKILL');
      await sleep(2000);
      for (let attempt = 1; ; attempt++) {
        try {
          server = await startServer();
          return;
        } catch (error) {
          // Its backends may still be exiting and holding the shared memory for a moment.
          if (attempt >= 20) throw error;
          await sleep(500);
        }
      }
    },
  },
  {
    name: 'a session idle in its transaction past idle_in_transaction_session_timeout',
    outage: false,
    env: { IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000' },
    async inflict(t) {
      const pool = t.app.get<pg.Pool>(EVENT_STORE_POOL);
      const session = await pool.connect();
      await session.query('BEGIN');
      await session.query('SELECT 1');
      // The application's own event loop stalls too, so its open transactions outlive the limit.
      const stalledUntil = Date.now() + 1500;
      while (Date.now() < stalledUntil) {
        /* busy */
      }
      await sleep(1500);
      const error = await session.query('SELECT 1').then(
        () => null,
        (failure: unknown) => failure,
      );
      session.release(error instanceof Error ? error : undefined);
      expect(error).toBeInstanceOf(Error);
    },
  },
];

describe.each(modes)('the process survives its database (%s)', (mode) => {
  it.each(faults.map((fault) => [fault.name, fault] as const))(
    '%s',
    async (_name, fault) => {
      const run = randomUUID().slice(0, 6);
      const kafka = mode === 'delivery over Kafka';
      const t = await startTestApp({
        serverUrl: server.url,
        env: {
          DATABASE_CONNECT_TIMEOUT_MS: '2000',
          RATE_LIMIT_PER_MINUTE: '1000000',
          RATE_LIMIT_BURST_PER_SECOND: '100000',
          ...fault.env,
          ...(kafka
            ? {
                KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS!,
                KAFKA_TOPIC_PREFIX: `faults-${run}`,
                KAFKA_TOPIC_PARTITIONS: '2',
                KAFKA_REPLICATION_FACTOR: '1',
              }
            : {}),
        },
      });
      try {
        await survives(t, fault, run, mode);
      } finally {
        await t.close();
      }
    },
    240_000,
  );
});

async function survives(t: TestApp, fault: Fault, run: string, mode: Mode) {
  const owner = `owner-${run}`;
  const load = new WriteLoad(
    await t.as(principal(owner, ['admin'])),
    await t.as(principal(owner, ['analyst'])),
    owner,
    `f${run}`,
  );
  load.start();
  const { health, faultStarted, faultEnded, upAgain } = await inflictUnderLoad(
    t,
    load,
    fault,
  ).finally(() => load.stop());

  const failed = load.outcomes.filter((o) => o.status < 200 || o.status >= 300);
  // Bounded answers: every request answered, failures only as 503 database-unavailable.
  expect(failed.filter((o) => o.status <= 0)).toEqual([]);
  for (const outcome of failed) {
    expect(outcome).toMatchObject({
      status: 503,
      body: { type: '/problems/database-unavailable' },
      retryAfter: expect.stringMatching(/^\d+$/),
    });
  }
  if (fault.outage) {
    expect(health.statuses).toContain(503);
    expect(health.downMessage).toMatch(/^Down: database \(/);
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^database_outages_total [1-9]/m);
    expect(metrics).toMatch(/^database_up 1$/m);
  }

  const counts = await verifyEverythingOnce(t, load.outcomes);
  console.info(
    `${mode}, ${fault.name}: ${counts.acknowledged} acknowledged, 0 lost, 0 doubled; ` +
      `${failed.length} refused (${counts.refusedButRecorded} of them recorded whole, the rest absent); ` +
      `fault lasted ${((faultEnded - faultStarted) / 1000).toFixed(1)} s, ` +
      `/health back ${((upAgain - faultEnded) / 1000).toFixed(1)} s after it ended`,
  );
}

/** Inflicts the fault once writers are going, watching /health until it is back to 200. */
async function inflictUnderLoad(t: TestApp, load: WriteLoad, fault: Fault) {
  await load.untilAcknowledged(40);
  const health = new HealthWatch(t);
  try {
    const faultStarted = Date.now();
    await fault.inflict(t);
    const faultEnded = Date.now();
    const upAgain = await health.untilUp();
    await health.stop();
    await load.untilAcknowledged(40);
    return { health, faultStarted, faultEnded, upAgain };
  } finally {
    await health.stop();
  }
}

/** Every acknowledged command in the store and in its view exactly once; refused ones whole or absent. */
async function verifyEverythingOnce(t: TestApp, outcomes: readonly Outcome[]) {
  const pool = t.db.pool;
  await eventually(async () => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM event_store.events e
        WHERE NOT EXISTS (SELECT 1 FROM event_store.global_log g WHERE g.seq = e.seq)`,
    );
    return rows[0].n === 0;
  }, 'every event sealed');
  const { rows: head } = await pool.query<{ position: string }>(
    'SELECT max(global_position) AS position FROM event_store.global_log',
  );
  const runtime = t.app.get(DeliveryRuntime);
  for (const projection of ['directory', 'threats']) {
    await runtime.waitFor(projection, Number(head[0].position), 90_000);
  }

  const { rows: organisations } = await pool.query<{ key: string; events: number; rows: number }>(
    `WITH stored AS (
       SELECT payload->>'organisationId' AS key, count(*)::int AS events
         FROM event_store.events WHERE event_type = 'directory.OrganisationRegistered' GROUP BY 1)
     SELECT s.key, s.events,
            (SELECT count(*)::int FROM directory.organisations o WHERE o.organisation_id = s.key) AS rows
       FROM stored s`,
  );
  const { rows: threats } = await pool.query<{
    key: string;
    streams: number;
    events: number;
    rows: number;
  }>(
    `WITH stored AS (
       SELECT payload->>'codeName' AS key, array_agg(stream_id) AS streams,
              array_agg(payload->>'threatId') AS ids
         FROM event_store.events WHERE event_type = 'threats.ThreatRegistered' GROUP BY 1)
     SELECT s.key, cardinality(s.streams) AS streams,
            (SELECT count(*)::int FROM event_store.events e WHERE e.stream_id = ANY(s.streams)) AS events,
            (SELECT count(*)::int FROM threats.threats v WHERE v.threat_id = ANY(s.ids)) AS rows
       FROM stored s`,
  );
  const stored = new Map([...organisations, ...threats].map((row) => [row.key, row]));
  const attempted = new Set(outcomes.map((o) => o.key));
  expect([...stored.keys()].filter((key) => !attempted.has(key))).toEqual([]);

  const eventsPerRegistration = new Set(threats.map((row) => row.events));
  expect(eventsPerRegistration.size).toBeLessThanOrEqual(1);
  let acknowledged = 0;
  let refusedButRecorded = 0;
  for (const outcome of outcomes) {
    const row = stored.get(outcome.key);
    const ok = outcome.status >= 200 && outcome.status < 300;
    if (ok) acknowledged++;
    else if (row) refusedButRecorded++;
    if (!ok && !row) continue;
    // Acknowledged: stored once and shown once. Refused but recorded: whole, and shown once.
    expect({ key: outcome.key, ok, stored: !!row }).toEqual({
      key: outcome.key,
      ok,
      stored: true,
    });
    expect(row).toMatchObject({ rows: 1, ...('streams' in row! ? { streams: 1 } : { events: 1 }) });
    if (ok && outcome.kind === 'threat') {
      expect(outcome.body.threatId).toBeDefined();
    }
  }
  const integrity = await t.app.get(IntegrityVerifier).verifyLog();
  expect(integrity).toMatchObject({ ok: true });
  return { acknowledged, refusedButRecorded };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
