/**
 * The application as production starts it (the standalone module, configureHttp, the pino
 * logger, listening on 127.0.0.1), plus one bench-only route, the bare route: the floor of the stack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Body,
  Controller,
  type DynamicModule,
  Inject,
  type INestApplication,
  Module,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EVENT_STORE_POOL, EventStore, GlobalLogSealer } from '@soc/event-store';
import {
  configureHttp,
  corsOriginsOf,
  type Env,
  IsText,
  trustProxyOf,
  validateEnv,
} from '@soc/platform';
import {
  Access,
  type AccessContext,
  Authorize,
  loadOrCreateLocalIssuer,
  type Principal,
} from '@soc/security';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Logger } from 'nestjs-pino';
import type { Pool } from 'pg';
import { StandaloneModule } from '../apps/standalone/src/standalone.module.js';

/** Time spent in one kind of call, summed over calls. */
export interface PhaseTotal {
  ms: number;
  calls: number;
}

export type PhaseName = 'bareInsert' | 'load' | 'append' | 'positionWait';
export type Phases = Record<PhaseName, PhaseTotal>;

const phases: Phases = {
  bareInsert: { ms: 0, calls: 0 },
  load: { ms: 0, calls: 0 },
  append: { ms: 0, calls: 0 },
  positionWait: { ms: 0, calls: 0 },
};

export function phaseSnapshot(): Phases {
  return Object.fromEntries(
    Object.entries(phases).map(([name, total]) => [name, { ...total }]),
  ) as Phases;
}

export function phasesSince(before: Phases): Phases {
  return Object.fromEntries(
    Object.entries(phases).map(([name, total]) => [
      name,
      {
        ms: total.ms - before[name as PhaseName].ms,
        calls: total.calls - before[name as PhaseName].calls,
      },
    ]),
  ) as Phases;
}

async function timed<T>(phase: PhaseName, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    phases[phase].ms += performance.now() - start;
    phases[phase].calls++;
  }
}

/** Wraps one async method of one instance so that its calls add to a phase. */
function timeMethod(target: object, method: string, phase: PhaseName): void {
  const holder = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const original = holder[method].bind(target);
  holder[method] = (...args) => timed(phase, () => original(...args));
}

export class BareRouteBody {
  @IsText(1, 2000)
  note!: string;
}

export const BARE_TABLE = 'bench_api_bare';
export const BARE_PATH = '/bench/bare';

/**
 * The bare route: authentication, the rate limiter, validation, the problem-details filter and the
 * logger as on every route, then one INSERT through the application's own pool. `threat:read`
 * is a permission every bench caller holds; the guard checks the role, and no record is loaded.
 */
@Controller('bench')
export class BareRouteController {
  constructor(@Inject(EVENT_STORE_POOL) private readonly pool: Pool) {}

  @Post('bare')
  @Authorize('threat:read')
  async insert(
    @Body() body: BareRouteBody,
    @Access() access: AccessContext,
  ): Promise<{ id: string }> {
    const { rows } = await timed('bareInsert', () =>
      this.pool.query<{ id: string }>({
        name: 'bench-bare-insert',
        text: `INSERT INTO ${BARE_TABLE} (person_id, note) VALUES ($1, $2) RETURNING id`,
        values: [access.principal.personId, body.note],
      }),
    );
    return { id: rows[0].id };
  }
}

@Module({})
class ApiBenchModule {
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: ApiBenchModule,
      imports: [StandaloneModule.forRoot(env, databaseUrl)],
      controllers: [BareRouteController],
    };
  }
}

export interface BenchApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly env: Env;
  /** A bearer token of the local issuer the application trusts. */
  tokenFor(principal: Principal): Promise<string>;
  /** CPU time of one signature check of a token (jose, the issuer's key), ms. */
  tokenCheckMs(token: string): Promise<number>;
  close(): Promise<void>;
}

export async function startBenchApp(databaseUrl: string): Promise<BenchApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-bench-api-'));
  const env = validateEnv({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl });

  const app = await NestFactory.create(ApiBenchModule.forRoot(env, databaseUrl), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app, {
    title: 'SOC partnership API',
    description:
      'Multi-agency serious and organised crime partnership work: threats, plans, meetings, referrals, audit',
    version: process.env.npm_package_version ?? 'dev',
    corsOrigins: corsOriginsOf(env),
    trustProxy: trustProxyOf(env),
  });
  await app.init();
  const pool = app.get<Pool>(EVENT_STORE_POOL);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${BARE_TABLE} (id bigserial PRIMARY KEY, person_id text NOT NULL,
       note text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  // Timed in place, so that the bench can say where a command's time goes.
  const store = app.get(EventStore);
  timeMethod(store, 'load', 'load');
  timeMethod(store, 'append', 'append');
  timeMethod(app.get(GlobalLogSealer), 'waitForSeq', 'positionWait');

  await app.listen(env.PORT, env.HOST);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const issuer = await loadOrCreateLocalIssuer(dataDir);
  return {
    app,
    baseUrl: `http://${env.HOST}:${port}`,
    env,
    tokenFor: (principal) => issuer.sign({ ...principal, ttlSeconds: 24 * 3600 }),
    async tokenCheckMs(token) {
      const keys = createLocalJWKSet(issuer.publicKeys());
      const check = () =>
        jwtVerify(token, keys, { issuer: issuer.issuer, audience: issuer.audience });
      for (let i = 0; i < 100; i++) await check();
      const rounds = 1000;
      const start = performance.now();
      for (let i = 0; i < rounds; i++) await check();
      return (performance.now() - start) / rounds;
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
