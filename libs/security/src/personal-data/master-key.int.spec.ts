import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidMasterKeyError } from './errors.js';
import { loadOrCreateDevelopmentMasterKey, parseMasterKey } from './master-key.js';

describe('development master key (file system)', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'soc-master-key-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

  it('creates a random key on first use, private to its owner, and reuses it after', async () => {
    const key = await loadOrCreateDevelopmentMasterKey(dataDir);
    expect(key).toHaveLength(32);
    const file = join(dataDir, 'keys', 'master.key');
    expect(parseMasterKey(await readFile(file, 'utf8')).equals(key)).toBe(true);
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(join(dataDir, 'keys'))).toBe(0o700);
    expect((await loadOrCreateDevelopmentMasterKey(dataDir)).equals(key)).toBe(true);
  });

  it('gives concurrent first users the same key', async () => {
    const keys = await Promise.all(
      Array.from({ length: 10 }, () => loadOrCreateDevelopmentMasterKey(dataDir)),
    );
    expect(new Set(keys.map((key) => key.toString('hex'))).size).toBe(1);
  });

  it('tightens a key file left readable by others', async () => {
    const key = await loadOrCreateDevelopmentMasterKey(dataDir);
    const file = join(dataDir, 'keys', 'master.key');
    await chmod(file, 0o644);
    expect((await loadOrCreateDevelopmentMasterKey(dataDir)).equals(key)).toBe(true);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('refuses a damaged key file rather than replacing it', async () => {
    await loadOrCreateDevelopmentMasterKey(dataDir);
    const file = join(dataDir, 'keys', 'master.key');
    await writeFile(file, 'short');
    await expect(loadOrCreateDevelopmentMasterKey(dataDir)).rejects.toThrow(InvalidMasterKeyError);
    expect(await readFile(file, 'utf8')).toBe('short');
  });
});
