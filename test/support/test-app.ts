import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureHttp, validateEnv } from '@soc/platform';
import { loadOrCreateLocalIssuer, type Principal, type Role } from '@soc/security';
import { createTestDatabase, type TestDatabase } from '@soc/testing';
import request from 'supertest';
import { StandaloneModule } from '../../apps/standalone/src/standalone.module.js';

export interface Caller {
  readonly personId: string;
  readonly organisationId: string;
  readonly roles: readonly Role[];
}

export interface TestApp {
  readonly app: INestApplication;
  readonly db: TestDatabase;
  /** Unauthenticated requests. */
  http(): ReturnType<typeof request>;
  /** A bearer token of the local issuer the app trusts. */
  tokenFor(caller: Caller, ttlSeconds?: number): Promise<string>;
  /** Requests as a caller: `(await app.as(admin)).post(...)`. */
  as(caller: Caller, purpose?: string): Promise<AuthenticatedAgent>;
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthenticatedAgent = Record<Method, (url: string) => request.Test>;

/**
 * The standalone application over a fresh database (migrated at start, as in production), with
 * the local development issuer's key in a temporary folder; `controllers` adds test-only routes.
 */
export async function startTestApp(
  options: {
    controllers?: Type[];
    /** More modules (a context not yet wired into the standalone app, a test-only clock...). */
    imports?: (Type | DynamicModule)[];
    env?: Record<string, string>;
    /** Providers to replace, e.g. `{ provide: CLOCK, useValue: testClock }`. */
    overrides?: { provide: unknown; useValue: unknown }[];
    /** A PostgreSQL server of the test's own, instead of the shared test server. */
    serverUrl?: string;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase({ migrate: false, serverUrl: options.serverUrl });
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-test-app-'));
  const env = validateEnv({
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ...options.env,
  });
  const builder = Test.createTestingModule({
    imports: [StandaloneModule.forRoot(env, db.url), ...(options.imports ?? [])],
    controllers: options.controllers ?? [],
  });
  for (const { provide, useValue } of options.overrides ?? []) {
    builder.overrideProvider(provide).useValue(useValue);
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttp(app, { title: 'SOC partnership API', description: 'test', version: 'test' });
  await app.init();
  const issuer = await loadOrCreateLocalIssuer(dataDir);

  const tokenFor = (caller: Caller, ttlSeconds?: number) =>
    issuer.sign({ ...caller, roles: [...caller.roles], ttlSeconds });
  const http = () => request(app.getHttpServer());
  return {
    app,
    db,
    http,
    tokenFor,
    async as(caller, purpose = 'integration test of the API') {
      const token = await tokenFor(caller);
      const verb = (method: Method) => (url: string) =>
        http()[method](url).set('authorization', `Bearer ${token}`).set('x-purpose', purpose);
      return {
        get: verb('get'),
        post: verb('post'),
        put: verb('put'),
        patch: verb('patch'),
        delete: verb('delete'),
      };
    },
    async eventCount() {
      const { rows } = await db.pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM event_store.events',
      );
      return Number(rows[0].n);
    },
    async close() {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const principal = (organisationId: string, roles: Role[], personId?: string): Principal => ({
  personId: personId ?? `${roles[0] ?? 'someone'}-${organisationId}`,
  organisationId,
  roles,
});
