import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { allEventContracts, eventOf, ThreatRegistered } from '@soc/contracts';
import { EventStore, EventTypeRegistry, GlobalLogSealer, streamId } from '@soc/event-store';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  registerOrganisations,
  type TestDatabase,
} from '@soc/testing';
import type pg from 'pg';
import { registeredProjections } from '../apps/standalone/src/projections.js';
import { EXIT, runProjectionsCli } from '../tools/projection-commands.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface CliRun {
  code: number;
  out: string;
  err: string;
  progress: string;
  connected: boolean;
}

/** Runs `npm run projections -- <args>` in process against a database; stderr is not a terminal. */
async function projectionsCli(
  target: { pool: pg.Pool; store: EventStore } | null,
  ...args: string[]
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  let progress = '';
  let connected = false;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      progress += chunk.toString();
      done();
    },
  });
  const code = await runProjectionsCli(args, {
    projections: registeredProjections,
    output: { out: (text) => out.push(text), err: (text) => err.push(text), progress: stream },
    connect: async () => {
      if (!target) throw new Error('the command line should have been refused before connecting');
      connected = true;
      return {
        ...target,
        registry: new EventTypeRegistry(allEventContracts),
        topicPrefix: 'soc',
        close: async () => undefined,
      };
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), progress, connected };
}

/** The table row of a projection: its name and the cells after it. */
const rowOf = (output: string, projection: string) =>
  output
    .split('\n')
    .find((line) => line.startsWith(`${projection} `))
    ?.split(/\s{3,}/) ?? [];

/**
 * The projections CLI over real PostgreSQL: it lists, checks and rebuilds every projection the
 * application registers (directory, threats and meetings), not a list of its own.
 */
describe('npm run projections (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  const threatIds = [randomUUID(), randomUUID(), randomUUID()];

  const registerThreat = (threatId: string) =>
    store.append(
      streamId('threat', threatId),
      'no-stream',
      [
        eventOf(ThreatRegistered, {
          threatId,
          ownerOrganisationId: 'cleveland-police',
          kind: 'ocg',
          codeName: `OPERATION ${threatId.slice(0, 8).toUpperCase()}`,
          summary: 'County lines supply into Hartlepool',
          priorityArea: 'county-lines',
          type: 'tactical',
          tier: 2,
          phase: 'active',
          soc: true,
          lro: { personId: 'cleveland-police-lro', organisationId: 'cleveland-police' },
          sro: null,
          place: null,
          clearHoldBuildPhase: null,
          marking: 'OFFICIAL',
          signposting: false,
          openedOn: '2025-01-06',
        }),
      ],
      appendMetadata(),
    );

  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 6 });
    ({ store, sealer } = eventStoreFor(db.pool));
    await registerOrganisations(store, ['cleveland-police', 'hartlepool-bc']);
    for (const id of threatIds) await registerThreat(id);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  it('registers the threats, meetings and safeguarding projections beside the directory, in the application and the CLI', () => {
    expect(registeredProjections.map((p) => p.name)).toEqual(
      expect.arrayContaining(['directory', 'threats', 'meetings', 'safeguarding']),
    );
  });

  it('refuses an unknown projection before connecting, naming the known ones (exit 2)', async () => {
    const run = await projectionsCli(null, 'rebuild', 'treats');
    expect(run.code).toBe(EXIT.usage);
    expect(run.connected).toBe(false);
    expect(run.err).toContain('Unknown projection "treats"; known: directory, threats, meetings');
    expect(run.err).toContain('Usage: npm run projections');

    for (const args of [
      ['dead-letters', 'nope'],
      ['rebuild', 'threats', 'nope'],
      ['rebuild', '--all', 'threats'],
      ['check', '--max-lag', 'many'],
    ]) {
      expect(await projectionsCli(null, ...args)).toMatchObject({
        code: EXIT.usage,
        connected: false,
      });
    }
  });

  it('lists every registered projection, and fails the check while they are not set up', async () => {
    const status = await projectionsCli({ pool: db.pool, store }, 'status');
    expect(status.code).toBe(EXIT.ok);
    expect(rowOf(status.out, 'directory')[1]).toBe('none: not set up');
    expect(rowOf(status.out, 'threats')[1]).toBe('none: not set up');
    expect(rowOf(status.out, 'meetings')[1]).toBe('none: not set up');

    const check = await projectionsCli({ pool: db.pool, store }, 'check');
    expect(check.code).toBe(EXIT.failed);
    expect(rowOf(check.out, 'threats').at(-1)).toMatch(/^FAIL: not in the database/);
    expect(check.out).toContain('4 of 4 projections failed the check.');
  });

  it('rebuilds the threats projection by name, with progress on stderr', async () => {
    const head = await store.headPosition();
    const run = await projectionsCli({ pool: db.pool, store }, 'rebuild', 'threats');
    expect(run.code).toBe(EXIT.ok);
    expect(rowOf(run.out, 'threats')[1]).toBe('2 (threats_g2)');
    expect(rowOf(run.out, 'threats')[2]).toBe(String(head));
    expect(rowOf(run.out, 'directory')).toEqual([]);
    // Not a terminal: plain lines, no bar redraws.
    expect(run.progress).toContain(`rebuilding threats: ${head} events in the log\n`);
    expect(run.progress).toContain(`rebuilt threats: ${head} events in `);
    expect(run.progress).not.toContain('\r');

    const { rows } = await db.pool.query<{ threat_id: string }>(
      'SELECT threat_id FROM threats.threats ORDER BY threat_id',
    );
    expect(rows.map((r) => r.threat_id)).toEqual([...threatIds].sort());

    const status = await projectionsCli({ pool: db.pool, store }, 'status');
    expect(rowOf(status.out, 'threats').slice(1)).toEqual([
      '2 (threats_g2)',
      '0',
      '0',
      'log[-1]',
      String(head),
      String(head),
    ]);
    expect(rowOf(status.out, 'directory')[1]).toBe('none: not set up');
  });

  it('rebuilds every registered projection in turn with no name or --all', async () => {
    const all = await projectionsCli({ pool: db.pool, store }, 'rebuild');
    expect(all.code).toBe(EXIT.ok);
    expect(rowOf(all.out, 'directory')[1]).toBe('2 (directory_g2)');
    expect(rowOf(all.out, 'threats')[1]).toBe('3 (threats_g3)');
    expect(rowOf(all.out, 'meetings')[1]).toBe('2 (meetings_g2)');
    expect(rowOf(all.out, 'safeguarding')[1]).toBe('2 (safeguarding_g2)');
    expect(all.progress).toMatch(
      /rebuilt directory: [\d,]+ events[^]*rebuilt threats: [^]*rebuilt meetings: [^]*rebuilt safeguarding: /,
    );

    const again = await projectionsCli({ pool: db.pool, store }, 'rebuild', '--all');
    expect(again.code).toBe(EXIT.ok);
    expect(rowOf(again.out, 'directory')[1]).toBe('3 (directory_g3)');
    expect(rowOf(again.out, 'threats')[1]).toBe('4 (threats_g4)');
    expect(rowOf(again.out, 'meetings')[1]).toBe('3 (meetings_g3)');

    const check = await projectionsCli({ pool: db.pool, store }, 'check');
    expect(check.code).toBe(EXIT.ok);
    expect(rowOf(check.out, 'threats').slice(1)).toEqual(['4', '0', '0', 'ok']);
    expect(check.out).toContain(
      'All 4 projections are set up, caught up and without dead letters.',
    );
  });

  it('fails the check when a projection is behind by more than --max-lag', async () => {
    // Nothing feeds the projections in this test, so these stay unapplied.
    await registerThreat(randomUUID());
    await registerThreat(randomUUID());

    const strict = await projectionsCli({ pool: db.pool, store }, 'check', '--max-lag', '1');
    expect(strict.code).toBe(EXIT.failed);
    expect(rowOf(strict.out, 'threats').slice(2)).toEqual([
      '2',
      '0',
      'FAIL: 2 events behind (over 1)',
    ]);
    expect(rowOf(strict.out, 'directory').at(-1)).toBe('FAIL: 2 events behind (over 1)');

    expect((await projectionsCli({ pool: db.pool, store }, 'check')).code).toBe(EXIT.ok);
    expect((await projectionsCli({ pool: db.pool, store }, 'check', '--max-lag=2')).code).toBe(
      EXIT.ok,
    );
  });

  it('fails the check while a generation was built by another shape, until it is rebuilt', async () => {
    await db.pool.query(
      `UPDATE delivery.projection_generations SET fingerprint = 'an-older-shape'
        WHERE projection = 'directory' AND status = 'active'`,
    );
    const check = await projectionsCli({ pool: db.pool, store }, 'check');
    expect(check.code).toBe(EXIT.failed);
    expect(rowOf(check.out, 'directory').at(-1)).toBe(
      'FAIL: built by another shape of it: rebuilt when the application starts, or rebuild it',
    );
    expect(rowOf(check.out, 'threats').at(-1)).toBe('ok');
    expect(
      rowOf((await projectionsCli({ pool: db.pool, store }, 'status')).out, 'directory')[1],
    ).toMatch(/, built by another shape$/);

    expect((await projectionsCli({ pool: db.pool, store }, 'rebuild', 'directory')).code).toBe(
      EXIT.ok,
    );
    expect((await projectionsCli({ pool: db.pool, store }, 'check')).code).toBe(EXIT.ok);
  });

  it('fails the check while a dead letter waits, and passes once it is replayed', async () => {
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO delivery.dead_letters
         (projection, source, partition, position, global_position, event_type, message, error,
          attempts)
       VALUES ('threats', 'log', -1, 1, 1, 'threats.ThreatRegistered', '{}', 'boom', 4)
       RETURNING id`,
    );
    const check = await projectionsCli({ pool: db.pool, store }, 'check');
    expect(check.code).toBe(EXIT.failed);
    expect(rowOf(check.out, 'threats').at(-1)).toBe('FAIL: 1 dead letter(s) waiting');
    expect(rowOf(check.out, 'directory').at(-1)).toBe('ok');
    expect(
      rowOf((await projectionsCli({ pool: db.pool, store }, 'status')).out, 'threats')[3],
    ).toBe('1');

    await db.pool.query('UPDATE delivery.dead_letters SET replayed_at = now() WHERE id = $1', [
      rows[0].id,
    ]);
    expect((await projectionsCli({ pool: db.pool, store }, 'check')).code).toBe(EXIT.ok);
  });

  it('over Kafka, counts a projection only as far as its slowest partition', async () => {
    const head = await store.headPosition();
    const { rows } = await db.pool.query<{ generation: number }>(
      `SELECT generation FROM delivery.projection_generations
        WHERE projection = 'threats' AND status = 'active'`,
    );
    const generation = rows[0].generation;
    // What the relay and a consumer group record: everything published, partition 0 applied.
    await db.pool.query('UPDATE delivery.relay_position SET global_position = $1', [head]);
    await db.pool.query(
      `INSERT INTO delivery.published_offsets (topic, partition, global_position)
       VALUES ('soc.threats.events', 0, $1), ('soc.threats.events', 1, $1 - 1)`,
      [head],
    );
    const consumed = (partition: number, offset: number, globalPosition: number) =>
      db.pool.query(
        `INSERT INTO delivery.projection_checkpoints
           (projection, generation, source, partition, position, global_position)
         VALUES ('threats', $1, 'soc.threats.events', $2, $3, $4)`,
        [generation, partition, offset, globalPosition],
      );
    await consumed(0, 3, head);

    const behind = await projectionsCli({ pool: db.pool, store }, 'check', '--max-lag', '1');
    expect(behind.code).toBe(EXIT.failed);
    // Partition 1 has applied nothing yet: only what the rebuild applied (all but 2) counts.
    expect(rowOf(behind.out, 'threats').at(-1)).toBe('FAIL: 2 events behind (over 1)');
    const status = await projectionsCli({ pool: db.pool, store }, 'status');
    expect(status.out).toContain(`log head ${head}, relay published ${head}`);
    expect(rowOf(status.out, 'threats').slice(1, 4)).toEqual(['4 (threats_g4)', '2', '0']);
    // The row under threats' own; other projections' rows follow it.
    expect(status.out).toMatch(
      new RegExp(`\\s{3}soc\\.threats\\.events\\[0\\]\\s+3\\s+${head}$`, 'm'),
    );

    await consumed(1, 5, head - 1);
    const caughtUp = await projectionsCli({ pool: db.pool, store }, 'check', '--max-lag', '0');
    expect(rowOf(caughtUp.out, 'threats').slice(2)).toEqual(['0', '0', 'ok']);
  });
});

/** The running application sets up the same projections the CLI checks. */
describe('npm run projections against the running application (real PostgreSQL)', () => {
  let t: TestApp;
  let sealer: GlobalLogSealer;

  beforeAll(async () => {
    t = await startTestApp();
    sealer = new GlobalLogSealer(t.db.pool);
  });
  afterAll(async () => {
    await sealer.stop();
    await t?.close();
  });

  it('finds every registered projection set up and caught up', async () => {
    const store = new EventStore(t.db.pool, new EventTypeRegistry(allEventContracts), sealer);
    const check = await projectionsCli({ pool: t.db.pool, store }, 'check');
    expect(check.code).toBe(EXIT.ok);
    for (const { name } of registeredProjections) {
      expect(rowOf(check.out, name).at(-1)).toBe('ok');
    }
    const status = await projectionsCli({ pool: t.db.pool, store }, 'status');
    expect(rowOf(status.out, 'threats')[1]).toBe('1 (threats_g1)');
  });
});
