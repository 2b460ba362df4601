import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidMasterKeyError } from './errors.js';

export const MASTER_KEY_BYTES = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The master key as configured (`MASTER_KEY`): 32 bytes in base64, e.g. `openssl rand -base64 32`. */
export function parseMasterKey(base64: string): Buffer {
  const text = typeof base64 === 'string' ? base64.trim() : '';
  const key = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
  if (key?.length !== MASTER_KEY_BYTES) {
    // The value itself is never repeated: it may be a real key with a typo.
    throw new InvalidMasterKeyError(
      `The master key must be ${MASTER_KEY_BYTES} bytes in base64 (44 characters, e.g. from \`openssl rand -base64 32\`); ` +
        (key ? `this one decodes to ${key.length} bytes` : 'this one is not base64'),
    );
  }
  return key;
}

/**
 * For development only (production configures `MASTER_KEY`): a random master key kept in
 * `<dataDir>/keys/master.key` (0600, in a 0700 folder), created on first use and reused after.
 * Losing this file makes every sealed value unreadable, as if every subject had been erased.
 */
export async function loadOrCreateDevelopmentMasterKey(dataDir: string): Promise<Buffer> {
  const folder = join(dataDir, 'keys');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await restrictMode(folder, 0o700);
  const file = join(folder, 'master.key');
  return (await readKeyFile(file)) ?? (await createKeyFile(file));
}

async function readKeyFile(file: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  await restrictMode(file, 0o600);
  try {
    return parseMasterKey(text);
  } catch (error) {
    throw new InvalidMasterKeyError(`${file}: ${(error as Error).message}`);
  }
}

/** Written aside and hard-linked into place: a concurrent starter never reads a half-written key. */
async function createKeyFile(file: string): Promise<Buffer> {
  const key = randomBytes(MASTER_KEY_BYTES);
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(aside, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(aside, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKeyFile(file)) as Buffer;
  } finally {
    await rm(aside, { force: true });
  }
}

/** Tightens a mode left wider than it should be (an older checkout, a permissive umask). */
async function restrictMode(path: string, mode: number): Promise<void> {
  if (((await stat(path)).mode & 0o777) !== mode) await chmod(path, mode);
}
