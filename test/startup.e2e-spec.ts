import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnv } from '@soc/platform';
import { createTestDatabase, type TestDatabase } from '@soc/testing';
import { startStandalone, type Standalone } from '../apps/standalone/src/main.js';

/** The deployable's own start (main.ts), on a free port over a database of its own. */
describe('standalone start-up', () => {
  let db: TestDatabase;
  let started: Standalone;
  let dataDir: string;
  const printed: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataDir = mkdtempSync(join(tmpdir(), 'soc-startup-'));
    const env = validateEnv({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
    });
    started = await startStandalone(env, (text) => printed.push(text));
  });
  afterAll(async () => {
    await started?.app.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the banner once, after the server listens, naming the port it got', () => {
    expect(printed).toHaveLength(1);
    const { port } = started.app.getHttpServer().address();
    expect(port).toBeGreaterThan(0);
    expect(printed[0]).toContain(`http://127.0.0.1:${port}/docs`);
    expect(printed[0]).toMatch(/SOC partnership backend is running \(DATABASE_URL\)/);
  });

  it('names addresses that answer', async () => {
    const urls = [...printed[0].matchAll(/http:\/\/[^\s)]+/g)].map(([url]) => url);
    expect(urls).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/docs$/),
        expect.stringMatching(/\/docs-json$/),
        expect.stringMatching(/\/health$/),
        expect.stringMatching(/\/metrics$/),
      ]),
    );
    for (const url of urls.filter((u) => !/:\d+$/.test(u))) {
      expect({ url, status: (await fetch(url)).status }).toEqual({ url, status: 200 });
    }
  });
});
