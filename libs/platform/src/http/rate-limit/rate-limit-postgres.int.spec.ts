import { Controller, Get } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createTestDatabase, type TestDatabase } from '@soc/testing';
import { Pool } from 'pg';
import request from 'supertest';
import { validateEnv } from '../../config/env.js';
import { databaseOptions } from '../../database/database-options.js';
import { platformMigrations } from '../../migrations/index.js';
import { configureHttp } from '../configure-http.js';
import { RATE_LIMIT_COUNTERS, RateLimitModule, rateLimitBudgets } from './rate-limit.js';
import { RateLimitCounters } from './rate-limit-counters.js';
import { TestAuthenticationModule } from '../../../test/rate-limit.test-support.js';

@Controller('probe')
class ProbeController {
  @Get()
  probe() {
    return { ok: true };
  }
}

interface Instance {
  readonly app: INestApplication;
  readonly counters: RateLimitCounters;
  get(principal: string): request.Test;
}

/** One application instance as production wires it: TypeORM's pool, the platform migrations. */
async function instance(db: TestDatabase, env: Record<string, string>): Promise<Instance> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot(
        databaseOptions({
          url: db.url,
          poolSize: 4,
          idleInTransactionTimeoutMs: 60_000,
          migrations: platformMigrations,
        }),
      ),
      TestAuthenticationModule,
      RateLimitModule.forRoot(validateEnv({ RATE_LIMIT_STORE: 'postgres', ...env })),
    ],
    controllers: [ProbeController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttp(app, { title: 'test', description: 'test', version: 'test' });
  await app.init();
  const counters = app.get<RateLimitCounters>(RATE_LIMIT_COUNTERS);
  return {
    app,
    counters,
    get: (principal) =>
      request(app.getHttpServer()).get('/probe').set('x-test-principal', principal),
  };
}

describe('rate limits shared through PostgreSQL (RATE_LIMIT_STORE=postgres)', () => {
  let db: TestDatabase;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      RATE_LIMIT_PER_MINUTE: '4',
      RATE_LIMIT_BURST_PER_SECOND: '100',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3',
    };
    [a, b] = await Promise.all([instance(db, env), instance(db, env)]);
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await db?.drop();
  });

  const rows = async () =>
    (
      await db.pool.query<{ key: string; points: number; expire: string }>(
        `SELECT key, points, expire FROM api.rate_limits ORDER BY key`,
      )
    ).rows;

  it('counts in the table the platform migration created, which the library does not touch', async () => {
    const { rows: table } = await db.pool.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'api' AND table_name = 'rate_limits' ORDER BY ordinal_position`,
    );
    expect(table).toEqual([
      { column_name: 'key', data_type: 'character varying' },
      { column_name: 'points', data_type: 'integer' },
      { column_name: 'expire', data_type: 'bigint' },
    ]);
    const { rows: migrations } = await db.pool.query<{ name: string }>(
      `SELECT name FROM migrations`,
    );
    expect(migrations.map((m) => m.name)).toContain('CreateRateLimits1764250000000');
  });

  it('gives two instances one budget per principal', async () => {
    await a.get('alice@nersou').expect(200);
    await b.get('alice@nersou').expect(200);
    await a.get('alice@nersou').expect(200);
    await b.get('alice@nersou').expect(200);
    const refused = await a.get('alice@nersou').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(55);
    expect(refused.body).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    await b.get('alice@nersou').expect(429);
    await a.get('bob@nersou').expect(200);
    expect(await rows()).toEqual(
      expect.arrayContaining([
        { key: 'minute:principal:alice@nersou', points: 5, expire: expect.any(String) },
        { key: 'minute:principal:bob@nersou', points: 1, expire: expect.any(String) },
      ]),
    );
  });

  it('gives two instances one budget per network for refused tokens', async () => {
    await a.get('refused').expect(401);
    await a.counters.settled();
    await b.get('refused').expect(401);
    await b.counters.settled();
    await a.get('refused').expect(401);
    await a.counters.settled();
    // The budget is spent; the instance that counted last knows it at once...
    await a.get('refused').expect(429);
    await a.get('carol@nersou').expect(429);
    // ...the other learns it from its own next count: one more refused token, then closed.
    await b.get('refused').expect(401);
    await b.counters.settled();
    await b.get('refused').expect(429);
    await b.get('carol@nersou').expect(429);
    expect((await rows()).find((row) => row.key.startsWith('address:'))).toMatchObject({
      key: 'address:127.0.0.1',
      points: 4,
    });
  });

  it('counts in this process meanwhile when PostgreSQL fails, rather than refusing everyone', async () => {
    const broken = new Pool({ connectionString: db.url });
    await broken.end();
    const counters = new RateLimitCounters(
      rateLimitBudgets({ RATE_LIMIT_PER_MINUTE: 2, RATE_LIMIT_BURST_PER_SECOND: 10 }),
      'postgres',
      broken,
    );
    expect([await counters.take('dave'), await counters.take('dave')]).toEqual([0, 0]);
    expect(await counters.take('dave')).toBeGreaterThanOrEqual(59);
    await counters.countAddress('192.0.2.9');
    expect(await counters.addressWait('192.0.2.9')).toBe(0);
    await counters.onModuleDestroy();
  });

  it('deletes the rows of windows that have ended', async () => {
    const now = Date.now();
    const live = (await rows()).filter((row) => Number(row.expire) >= now);
    expect(live.map((row) => row.key)).toContain('minute:principal:alice@nersou');
    await a.counters.deleteEnded(now);
    expect(await rows()).toEqual(live);
    expect(await a.counters.deleteEnded(now + 61_000)).toBe(live.length);
    expect(await rows()).toEqual([]);
  });
});
