// Plain JavaScript (typed with JSDoc), imported by embedded-postgres.js, which the test
// harness's global setup loads natively.
import { Buffer } from 'node:buffer';
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What a server writes to `<dataDir>/postmaster.pid` while it runs (and leaves behind when
 * killed).
 * @typedef {object} PostmasterRecord
 * @property {number} pid
 * @property {number} port
 * @property {string} status `starting`, `ready`, `stopping` or `standby`.
 *
 * @typedef {object} ProcessFacts
 * @property {string} name
 * @property {number} ppid
 * @property {string | undefined} dataDir The folder a postgres process serves, when it can be told.
 */

/**
 * @param {string} dataDir
 * @returns {Promise<PostmasterRecord | undefined>}
 */
export async function readPostmasterPid(dataDir) {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const lines = text?.split('\n') ?? [];
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

/**
 * A dead process whose parent has not reaped it yet (a zombie) counts as dead: not every
 * container's first process reaps the orphans it inherits.
 * @param {number} pid
 */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** @param {string} path */
function canonical(path) {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** @param {string[]} argv */
function dataDirArgument(argv) {
  const flag = argv.indexOf('-D');
  return flag >= 0 ? argv[flag + 1] : argv.find((arg) => arg.startsWith('-D'))?.slice(2);
}

/**
 * Name, parent and (for a postgres) data folder of a process: from /proc on Linux, `ps`
 * elsewhere. Undefined when the process is gone.
 * @param {number} pid
 * @returns {Promise<ProcessFacts | undefined>}
 */
export async function processFacts(pid) {
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (!stat) return undefined;
    // The name may hold spaces and parentheses: the fields after it follow the last ')'.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    // A postmaster works in its data folder; the cwd link needs the same user (or root).
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    return { name, ppid, dataDir: cwd ?? dataDirArgument(argv) };
  }
  const output = await run('ps', ['-o', 'ppid=', '-o', 'comm=', '-p', String(pid)]).catch(
    () => undefined,
  );
  const match = /^\s*(\d+)\s+(.+)$/.exec(output?.stdout.trim() ?? '');
  if (!match) return undefined;
  const command = await run('ps', ['-o', 'command=', '-p', String(pid)]).catch(() => undefined);
  return {
    name: basename(match[2]),
    ppid: Number(match[1]),
    dataDir: dataDirArgument(command?.stdout.trim().split(/\s+/) ?? []),
  };
}

/**
 * True when the process is a postgres serving `dataDir`; false when it is certainly not (a
 * stale postmaster.pid whose pid now belongs to another process); undefined when it cannot
 * be told.
 * @param {ProcessFacts} facts
 * @param {string} dataDir
 */
export function servesDataDir(facts, dataDir) {
  if (facts.name !== 'postgres') return false;
  if (facts.dataDir === undefined) return undefined;
  return canonical(facts.dataDir) === canonical(dataDir);
}

/** @param {number} pid */
async function isNode(pid) {
  if (process.platform === 'linux') {
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
    if (exe) return exe === canonical(process.execPath) || basename(exe).startsWith('node');
  }
  const facts = await processFacts(pid);
  return facts !== undefined && facts.name.startsWith('node');
}

/**
 * A postmaster's parent is the node process that started it until that process dies; then
 * the system's reaper (init, a container's init, a session manager) takes it over.
 * @param {ProcessFacts} facts
 */
export async function isOrphan(facts) {
  if (facts.ppid <= 1) return true;
  return !(isAlive(facts.ppid) && (await isNode(facts.ppid)));
}

/**
 * Whether this process could listen on 127.0.0.1:port now, as the server would.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function isPortFree(port) {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
      error.code === 'EADDRINUSE' ? resolvePromise(false) : reject(error),
    );
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolvePromise(true)),
    );
  });
}

/**
 * Sends PostgreSQL's SSLRequest: a PostgreSQL server answers with a single `S` or `N`.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function speaksPostgres(port) {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host: '127.0.0.1' });
    /** @param {boolean} answer */
    const done = (answer) => {
      socket.destroy();
      resolvePromise(answer);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('data', (data) =>
      done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e)),
    );
    socket.once('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
  });
}

/**
 * The listening process, as far as `ss` or `lsof` show it (other users' processes only to
 * root), and whether it speaks PostgreSQL.
 * @param {number} port
 * @returns {Promise<string>} e.g. `node (pid 4242), which does not speak PostgreSQL`
 */
export async function describePortHolder(port) {
  /** @type {string | undefined} */
  let holder;
  const ss = await run('ss', ['-Hltnp', `sport = :${port}`]).catch(() => undefined);
  const listed = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss?.stdout ?? '');
  if (listed) holder = `${listed[1]} (pid ${listed[2]})`;
  if (!holder) {
    const lsof = await run('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']).catch(
      () => undefined,
    );
    const pid = /^p(\d+)$/m.exec(lsof?.stdout ?? '');
    const name = /^c(.+)$/m.exec(lsof?.stdout ?? '');
    if (pid && name) holder = `${name[1]} (pid ${pid[1]})`;
  }
  const postgres = await speaksPostgres(port);
  if (holder)
    return `${holder}, ${postgres ? 'a PostgreSQL server' : 'which does not speak PostgreSQL'}`;
  return postgres ? 'a PostgreSQL server' : 'a program that does not speak PostgreSQL';
}
