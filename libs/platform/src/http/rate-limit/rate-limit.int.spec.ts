import { Controller, Get, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { validateEnv } from '../../config/env.js';
import { DatabaseOutages } from '../../database/database-outages.js';
import { HealthController } from '../../observability/health.controller.js';
import { MetricsController } from '../../observability/metrics.controller.js';
import { configureHttp } from '../configure-http.js';
import { RATE_LIMIT_COUNTERS, RateLimitModule, SkipRateLimit } from './rate-limit.js';
import {
  authentications,
  TestAuthenticationModule,
} from '../../../test/rate-limit.test-support.js';
import type { RateLimitCounters } from './rate-limit-counters.js';

@Controller('probe')
class ProbeController {
  @Get('a')
  a() {
    return { route: 'a' };
  }

  @Post('b')
  b() {
    return { route: 'b' };
  }

  @SkipRateLimit()
  @Get('c')
  c() {
    return { route: 'c' };
  }
}

async function appWithLimits(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [TestAuthenticationModule, RateLimitModule.forRoot(validateEnv(env))],
    controllers: [ProbeController, HealthController, MetricsController],
    providers: [
      { provide: HealthCheckService, useValue: { check: async () => ({ status: 'ok' }) } },
      { provide: HealthIndicatorService, useValue: {} },
      { provide: DatabaseOutages, useValue: {} },
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttp(app, { title: 'test', description: 'test', version: 'test' });
  await app.init();
  return app;
}

describe('rate limits per principal (over HTTP)', () => {
  let app: INestApplication;
  const as = (principal: string) => ({
    get: () => request(app.getHttpServer()).get('/probe/a').set('x-test-principal', principal),
    post: () => request(app.getHttpServer()).post('/probe/b').set('x-test-principal', principal),
  });

  describe('per minute', () => {
    beforeAll(async () => {
      app = await appWithLimits({ RATE_LIMIT_PER_MINUTE: '5', RATE_LIMIT_BURST_PER_SECOND: '100' });
    });
    afterAll(() => app.close());

    it('answers 429 with Retry-After past the limit, counting every route', async () => {
      const alice = as('alice@nersou');
      for (let i = 0; i < 3; i++) await alice.get().expect(200);
      for (let i = 0; i < 2; i++) await alice.post().expect(201);
      const refused = await alice.get().expect(429);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(55);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.body).toMatchObject({
        type: '/problems/rate-limited',
        status: 429,
        title: 'Too many requests',
        instance: '/probe/a',
      });
      expect(refused.body).not.toHaveProperty('headers');
      await alice.post().expect(429);
    });

    it('lets another principal through meanwhile, also from the same address', async () => {
      await as('bob@hmrc').get().expect(200);
      await as('alice@hmrc').get().expect(200);
    });

    it('limits unauthenticated callers by address', async () => {
      const anonymous = () => request(app.getHttpServer()).get('/probe/a');
      for (let i = 0; i < 5; i++) await anonymous().expect(200);
      await anonymous().expect(429).expect('retry-after', /^\d+$/);
      await as('carol@nersou').get().expect(200);
    });

    it('never limits /health, /metrics and routes marked @SkipRateLimit()', async () => {
      for (let i = 0; i < 8; i++) {
        await request(app.getHttpServer()).get('/health').expect(200);
        await request(app.getHttpServer()).get('/metrics').expect(200);
        await as('alice@nersou').get().expect(429);
        await request(app.getHttpServer())
          .get('/probe/c')
          .set('x-test-principal', 'alice@nersou')
          .expect(200);
      }
    });
  });

  describe('per second', () => {
    beforeAll(async () => {
      app = await appWithLimits({
        RATE_LIMIT_PER_MINUTE: '1000',
        RATE_LIMIT_BURST_PER_SECOND: '3',
      });
    });
    afterAll(() => app.close());

    it('refuses a burst with Retry-After: 1, and lets the principal in again a second later', async () => {
      const dave = as('dave@nersou');
      const answers = await Promise.all(Array.from({ length: 6 }, () => dave.get()));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
      expect(answers.find((a) => a.status === 429)?.headers['retry-after']).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await dave.get().expect(200);
    });
  });

  describe('per client network, before authentication', () => {
    let counters: RateLimitCounters;
    const refused = () =>
      request(app.getHttpServer()).get('/probe/a').set('x-test-principal', 'refused');
    /** The middleware counts once the answer is sent: wait for it before the next request. */
    const settled = async <T>(answer: Promise<T>): Promise<T> => {
      const result = await answer;
      await counters.settled();
      return result;
    };

    beforeEach(async () => {
      app = await appWithLimits({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3' });
      counters = app.get(RATE_LIMIT_COUNTERS);
    });
    afterEach(() => app.close());

    it('counts refused tokens, then refuses the network before its tokens are checked', async () => {
      for (let i = 0; i < 3; i++) await settled(refused().expect(401));
      const checked = authentications.count;
      const answer = await refused().expect(429);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(answer.body).toMatchObject({
        type: '/problems/rate-limited',
        status: 429,
        instance: '/probe/a',
      });
      await as('alice@nersou').get().expect(429);
      await as('alice@nersou').post().expect(429);
      expect(authentications.count).toBe(checked);
    });

    it('counts anonymous calls and unknown paths too', async () => {
      await settled(request(app.getHttpServer()).get('/probe/a').expect(200));
      await settled(request(app.getHttpServer()).get('/nowhere').expect(404));
      await settled(request(app.getHttpServer()).post('/probe/nowhere').expect(404));
      await request(app.getHttpServer()).get('/nowhere').expect(429);
      await as('alice@nersou').get().expect(429);
    });

    it('spends nothing of it on authenticated requests', async () => {
      for (let i = 0; i < 10; i++) {
        await settled(as(`user${i}@nersou`).get().expect(200));
        await settled(as(`user${i}@nersou`).post().expect(201));
      }
      for (let i = 0; i < 3; i++) await settled(refused().expect(401));
      await refused().expect(429);
    });

    it('still answers /health, /metrics and routes marked @SkipRateLimit() on a closed network', async () => {
      for (let i = 0; i < 3; i++) await settled(refused().expect(401));
      await refused().expect(429);
      await request(app.getHttpServer()).get('/health').expect(200);
      await request(app.getHttpServer()).get('/metrics').expect(200);
      await request(app.getHttpServer()).get('/probe/c').expect(200);
      await settled(
        request(app.getHttpServer()).get('/probe/c').set('x-test-principal', 'refused').expect(401),
      );
      await request(app.getHttpServer()).get('/probe/c').expect(200);
    });
  });
});
