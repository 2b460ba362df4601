import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import request from 'supertest';
import { configureHttp, type HttpSettings } from './configure-http.js';

class EchoBody {
  @IsString()
  text!: string;
}

@Controller('probe')
class ProbeController {
  @Get()
  read() {
    return { ok: true };
  }

  @Get('address')
  address(@Req() request: Request) {
    return { ip: request.ip };
  }

  @Post()
  echo(@Body() body: EchoBody) {
    return body;
  }
}

async function appWith(settings: Partial<HttpSettings> = {}): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttp(app, { title: 'test', description: 'test', version: 'test', ...settings });
  await app.init();
  return app;
}

/** A CSP directive's sources, e.g. `script-src` -> ["'self'"]. */
function directive(csp: string, name: string): string[] | undefined {
  const found = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found?.slice(1);
}

const APP_ORIGIN = 'https://app.example.org';
const FOREIGN_ORIGIN = 'https://evil.example.net';

describe('configureHttp: security headers and CORS', () => {
  describe('by default', () => {
    let app: INestApplication;
    beforeAll(async () => (app = await appWith()));
    afterAll(() => app.close());
    const http = () => request(app.getHttpServer());

    it('sends the helmet headers on API answers and on problem documents', async () => {
      for (const response of [await http().get('/probe').expect(200), await http().get('/nope')]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['strict-transport-security']).toBeUndefined();
        expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(response.headers['x-powered-by']).toBeUndefined();
        const csp = response.headers['content-security-policy'];
        expect(directive(csp, 'default-src')).toEqual(["'self'"]);
        expect(directive(csp, 'frame-ancestors')).toEqual(["'self'"]);
        expect(directive(csp, 'upgrade-insecure-requests')).toBeUndefined();
      }
    });

    it('sends no CORS headers to another origin, not even on a preflight', async () => {
      const read = await http().get('/probe').set('Origin', FOREIGN_ORIGIN).expect(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await http()
        .options('/probe')
        .set('Origin', FOREIGN_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });

    it('serves Swagger UI at /docs under a policy that lets it load', async () => {
      const page = await http().get('/docs').expect(200).expect('content-type', /html/);
      expect(page.text).toMatch(/<div id="swagger-ui">/);
      const csp = page.headers['content-security-policy'];
      expect(directive(csp, 'script-src')).toEqual(["'self'"]);
      expect(directive(csp, 'style-src')).toContain("'unsafe-inline'");
      expect(directive(csp, 'img-src')).toEqual(expect.arrayContaining(["'self'", 'data:']));
      // Every script is a same-origin file (script-src 'self' allows no inline code)...
      const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map(
        ([, attributes]) => attributes,
      );
      expect(scripts.length).toBeGreaterThan(0);
      const sources = scripts.map((attributes) => /src=["']([^"']+)["']/.exec(attributes)?.[1]);
      expect(sources).not.toContain(undefined);
      const styles = [...page.text.matchAll(/<link[^>]*href=["']([^"']+\.css)["']/g)].map(
        ([, href]) => href,
      );
      // ...and each asset loads with a type `nosniff` accepts.
      for (const [asset, type] of [
        ...sources.map((src) => [src, /javascript/] as const),
        ...styles.map((href) => [href, /text\/css/] as const),
      ]) {
        const url = new URL(asset!, 'http://localhost/docs');
        expect(url.host).toBe('localhost');
        await http().get(url.pathname).expect(200).expect('content-type', type);
      }
      const document = await http().get('/docs/openapi.json').expect(200);
      expect(Object.keys(document.body.paths)).toContain('/probe');
    });

    it('serves the OpenAPI document at /docs-json too, the one the UI loads', async () => {
      const document = await http()
        .get('/docs-json')
        .expect(200)
        .expect('content-type', /application\/json/);
      expect(document.body.openapi).toMatch(/^3\./);
      expect(Object.keys(document.body.paths)).toContain('/probe');
      const legacy = await http().get('/docs/openapi.json').expect(200);
      expect(legacy.body).toEqual(document.body);
      const init = await http().get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('"/probe"');
    });
  });

  describe(`with corsOrigins [${APP_ORIGIN}]`, () => {
    let app: INestApplication;
    beforeAll(async () => (app = await appWith({ corsOrigins: [APP_ORIGIN] })));
    afterAll(() => app.close());
    const http = () => request(app.getHttpServer());

    it('answers a preflight from that origin', async () => {
      const preflight = await http()
        .options('/probe')
        .set('Origin', APP_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/idempotency-key/i);
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('lets that origin read answers, with the headers a client needs exposed', async () => {
      const response = await http()
        .post('/probe')
        .set('Origin', APP_ORIGIN)
        .send({ text: 'hi' })
        .expect(201);
      expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
      expect(response.headers.vary).toMatch(/Origin/);
      expect(response.headers['access-control-expose-headers']).toMatch(/Location/);
      expect(response.headers['access-control-expose-headers']).toMatch(/Retry-After/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it('keeps CORS headers on problem documents, so the client can read the error', async () => {
      const response = await http()
        .post('/probe')
        .set('Origin', APP_ORIGIN)
        .send({ text: 42 })
        .expect(400);
      expect(response.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    });

    it('still refuses every other origin', async () => {
      for (const origin of [FOREIGN_ORIGIN, 'http://app.example.org', `${APP_ORIGIN}:8443`]) {
        const response = await http().get('/probe').set('Origin', origin).expect(200);
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    });
  });
});

describe('configureHttp: proxies', () => {
  const forwarded = (app: INestApplication) =>
    request(app.getHttpServer()).get('/probe/address').set('x-forwarded-for', '203.0.113.7');

  it('ignores X-Forwarded-For unless told to trust the proxy', async () => {
    const app = await appWith();
    const { body } = await forwarded(app).expect(200);
    expect(body.ip).not.toBe('203.0.113.7');
    await app.close();
  });

  it('takes the client address from a trusted proxy', async () => {
    const app = await appWith({ trustProxy: ['loopback'] });
    const { body } = await forwarded(app).expect(200);
    expect(body.ip).toBe('203.0.113.7');
    await app.close();
  });
});

describe('configureHttp: HSTS only over HTTPS', () => {
  const hsts = (response: request.Response) => response.headers['strict-transport-security'];
  const overHttpsProxy = (app: INestApplication, path = '/probe') =>
    request(app.getHttpServer()).get(path).set('x-forwarded-proto', 'https');

  it('sends no HSTS on plain http, whatever an untrusted client claims', async () => {
    const app = await appWith();
    expect(hsts(await request(app.getHttpServer()).get('/probe').expect(200))).toBeUndefined();
    expect(hsts(await overHttpsProxy(app).expect(200))).toBeUndefined();
    await app.close();
  });

  it('sends HSTS when a trusted proxy says the client came over HTTPS, problems included', async () => {
    const app = await appWith({ trustProxy: ['loopback'] });
    expect(hsts(await overHttpsProxy(app).expect(200))).toBe('max-age=31536000; includeSubDomains');
    expect(hsts(await overHttpsProxy(app, '/nope').expect(404))).toMatch(/^max-age=\d+/);
    const plain = await request(app.getHttpServer())
      .get('/probe')
      .set('x-forwarded-proto', 'http')
      .expect(200);
    expect(hsts(plain)).toBeUndefined();
    await app.close();
  });
});
