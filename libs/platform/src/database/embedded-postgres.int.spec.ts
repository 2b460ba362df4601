import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { validateEnv } from '../config/env.js';
import {
  connectEmbeddedPostgres,
  type RunningPostgres,
  startEmbeddedPostgres,
  type SupervisionEvent,
} from './embedded-postgres.js';
import { isAlive, isPortFree, readPostmasterPid } from './postmaster.js';
import { resolveDatabase } from './resolve-database.js';
import { freePort } from '@soc/testing';

async function query(url: string, sql: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(50);
}

const root = mkdtempSync(join(tmpdir(), 'soc-embedded-postgres-'));
// Run as root, the server runs as the postgres user, who must reach the folders below.
chmodSync(root, 0o755);
/** One cluster for the whole file: initdb runs once. */
const dir = join(root, 'cluster');
const dataDir = join(dir, 'pgdata');
const database = 'supervision';
const servers: RunningPostgres[] = [];
const track = (server: RunningPostgres) => (servers.push(server), server);

/**
 * What a killed application leaves behind: a server started by a node process that then
 * died by SIGKILL.
 */
async function leaveOrphan(port: number): Promise<number> {
  const module = new URL('./embedded-postgres.js', import.meta.url).href;
  const script =
    `const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});` +
    `const server = await startEmbeddedPostgres(${JSON.stringify({ dir, port, database })});` +
    'process.stdout.write(`${server.pid}\\n`);';
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for await (const line of createInterface({ input: child.stdout })) return Number(line);
    throw new Error('the child process did not start a server');
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
  // A server a failed test left behind (an orphan never adopted, say).
  const left = await readPostmasterPid(dataDir);
  if (left && isAlive(left.pid)) {
    process.kill(left.pid, 'SIGINT');
    await eventually(() => !isAlive(left.pid));
  }
  rmSync(root, { recursive: true, force: true });
});

describe('the embedded PostgreSQL, supervised', () => {
  it('is restarted on the same port and data when its postmaster is killed', async () => {
    const events: SupervisionEvent[] = [];
    const server = track(
      await startEmbeddedPostgres({
        dir,
        port: await freePort(),
        database,
        supervise: true,
        onEvent: (event) => events.push(event),
      }),
    );
    await query(server.url, 'CREATE TABLE kept (value text)');
    await query(server.url, 'INSERT INTO kept VALUES ($1)', ['written before the crash']);
    const killed = server.pid as number;

    process.kill(killed, 'SIGKILL');
    await eventually(() => server.pid !== undefined && server.pid !== killed);

    expect(await query(server.url, 'SELECT value FROM kept')).toEqual([
      { value: 'written before the crash' },
    ]);
    expect(events.filter((event) => event.level !== 'debug')).toEqual([
      { level: 'warn', message: expect.stringContaining(`(pid ${killed})`) },
      { level: 'info', message: expect.stringContaining(`back on port`) },
    ]);
    expect(events[0].message).toContain('killed by SIGKILL');
    const restarted = server.pid as number;
    await server.stop();
    expect(isAlive(restarted)).toBe(false);
  });

  it('is adopted when a killed process left it running, and stopped with its adopter', async () => {
    const port = await freePort();
    const orphan = await leaveOrphan(port);
    expect(isAlive(orphan)).toBe(true);

    const tool = track(await connectEmbeddedPostgres({ dir, port, database, owner: 'tool' }));
    expect(tool).toMatchObject({ origin: 'shared', pid: orphan });
    await tool.stop();
    expect(isAlive(orphan)).toBe(true);

    const application = track(
      await connectEmbeddedPostgres({ dir, port, database, owner: 'application' }),
    );
    expect(application).toMatchObject({ origin: 'adopted', pid: orphan });
    expect(await query(application.url, 'SELECT 1 AS answer')).toEqual([{ answer: 1 }]);
    await application.stop();

    expect(isAlive(orphan)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it('supervises an adopted server like one it started', async () => {
    const port = await freePort();
    const orphan = await leaveOrphan(port);
    const application = track(
      await connectEmbeddedPostgres({ dir, port, database, owner: 'application' }),
    );
    expect(application.origin).toBe('adopted');
    await query(application.url, 'CREATE TABLE adopted (value text)');
    await query(application.url, 'INSERT INTO adopted VALUES ($1)', ['written before the crash']);

    process.kill(orphan, 'SIGKILL');
    await eventually(() => application.pid !== undefined && application.pid !== orphan);

    expect(await query(application.url, 'SELECT value FROM adopted')).toEqual([
      { value: 'written before the crash' },
    ]);
    const restarted = application.pid as number;
    await application.stop();
    expect(isAlive(restarted)).toBe(false);
  });

  it('refuses a port for this data folder when its server runs on another', async () => {
    const port = await freePort();
    const server = track(await startEmbeddedPostgres({ dir, port, database }));
    await expect(
      connectEmbeddedPostgres({ dir, port: port + 1, database, owner: 'application' }),
    ).rejects.toThrow(
      `already running (pid ${server.pid}) on port ${port}, not on port ${port + 1}`,
    );
    await server.stop();
  });

  describe('a port held by something else', () => {
    let holder: Server | undefined;
    afterEach(async () => {
      await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
      holder = undefined;
    });

    it('is a clear start-up error when a program that is not PostgreSQL holds it', async () => {
      const port = await freePort();
      holder = createServer((socket) => socket.resume().end('hello\n'));
      await new Promise<void>((resolve) => holder?.listen(port, '127.0.0.1', resolve));
      const env = validateEnv({
        DATA_DIR: join(root, 'app'),
        EMBEDDED_POSTGRES_PORT: String(port),
      });

      const failure = resolveDatabase(env, { owner: 'application' });

      await expect(failure).rejects.toThrow(`Port ${port} on 127.0.0.1, wanted by the embedded`);
      await expect(failure).rejects.toThrow(
        /already in use by (\S+ \(pid \d+\), which|a program that) does not speak PostgreSQL\./,
      );
      await expect(failure).rejects.toThrow('Set EMBEDDED_POSTGRES_PORT to a free port');
      await expect(failure).rejects.toThrow('DATABASE_URL');
    });

    it('says so when another PostgreSQL holds it', async () => {
      const port = await freePort();
      const other = track(await startEmbeddedPostgres({ dir, port, database }));
      const env = validateEnv({
        DATA_DIR: join(root, 'app'),
        EMBEDDED_POSTGRES_PORT: String(port),
      });

      await expect(resolveDatabase(env, { owner: 'tool' })).rejects.toThrow(
        /already in use by (postgres \(pid \d+\), )?a PostgreSQL server\./,
      );
      await other.stop();
    });
  });
});
