import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { CommandBus } from '@nestjs/cqrs';
import { EnrolPerson, RegisterOrganisation } from '@soc/directory';
import { EVENT_STORE_POOL } from '@soc/event-store';
import type { Pool } from 'pg';
import { validateEnv } from '@soc/platform';
import { type AccessContext, DEFAULT_AUDIENCE, FeedTokens, type Role } from '@soc/security';
import { principal, startTestApp, type TestApp } from './support/test-app.js';

/** An OpenID provider of the test's own: a discovery document, a key set, tokens it signs. */
class TestIssuer {
  private readonly server: Server;
  private key!: { privateKey: CryptoKey; publicJwk: JWK };

  constructor() {
    this.server = createServer((request, response) => {
      const body =
        request.url === '/.well-known/openid-configuration'
          ? { issuer: this.url, jwks_uri: `${this.url}/jwks` }
          : request.url === '/jwks'
            ? { keys: [this.key.publicJwk] }
            : undefined;
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? {}));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: 'k1' } };
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The person goes in `employee_id` (OIDC_PERSON_CLAIM below); `sub` is the IdP's own id. */
  sign(claims: { employee_id?: string; org: string; roles: Role[] }): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(this.url)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(this.key.privateKey);
  }
}

describe('people the tokens name must be in the directory (OIDC, real PostgreSQL)', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  const suffix = randomUUID().slice(0, 6);
  const cleveland = `cleveland-${suffix}`;
  const durham = `durham-${suffix}`;
  const admin = `admin-${suffix}`;
  const analyst = `analyst-${suffix}`;
  const leaver = `leaver-${suffix}`;

  /** The directory's administrator in an organisation, acting outside any request. */
  const adminOf = (organisationId: string): AccessContext => ({
    principal: { personId: 'test', organisationId, roles: ['admin'] },
    purpose: null,
    requestId: null,
  });

  /** Enrols through the command bus directly: nobody is enrolled yet to do it over HTTP. */
  async function enrol(personId: string, organisationId: string, roles: Role[]): Promise<void> {
    const person = { personId, organisationId, displayName: `Person ${personId}`, roles };
    await t.app.get(CommandBus).execute(new EnrolPerson(adminOf(organisationId), person));
  }

  async function inView(personId: string, erased = false): Promise<void> {
    for (let tries = 0; tries < 500; tries++) {
      const { rows } = await t.db.pool.query<{ erased: boolean }>(
        'SELECT erased_at IS NOT NULL AS erased FROM directory.people WHERE person_id = $1',
        [personId],
      );
      if (rows[0]?.erased === erased) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${personId} did not reach the directory view`);
  }

  const get = (token: string, path = '/directory/organisations') =>
    t.http().get(path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    issuer = await new TestIssuer().start();
    t = await startTestApp({
      env: { OIDC_ISSUER_URL: issuer.url, OIDC_PERSON_CLAIM: 'employee_id' },
    });
    for (const organisationId of [cleveland, durham]) {
      const organisation = { organisationId, name: organisationId, kind: 'police-force' } as const;
      await t.app
        .get(CommandBus)
        .execute(new RegisterOrganisation(adminOf('nersou'), organisation));
    }
    await enrol(admin, cleveland, ['admin']);
    await enrol(analyst, cleveland, ['analyst']);
    await enrol(leaver, cleveland, ['analyst']);
    await inView(leaver);
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.stop();
  });

  it('lets an enrolled person in, named by the configured claim', async () => {
    const token = await issuer.sign({ employee_id: analyst, org: cleveland, roles: ['analyst'] });
    await get(token).expect(200);
  });

  it('refuses a valid token for a person the directory does not know, saying why', async () => {
    const stranger = `stranger-${suffix}`;
    const token = await issuer.sign({ employee_id: stranger, org: cleveland, roles: ['admin'] });
    const response = await get(token);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    expect(response.body).toMatchObject({ type: '/problems/unknown-person', status: 401 });
    expect(response.body.detail).toContain(stranger);
    expect(response.body.detail).toMatch(/not an enrolled person of/);
  });

  it('refuses an enrolled person acting for another organisation', async () => {
    const token = await issuer.sign({ employee_id: analyst, org: durham, roles: ['analyst'] });
    const response = await get(token);
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('/problems/unknown-person');
  });

  it('refuses a token without the person claim like any bad token', async () => {
    const token = await issuer.sign({ org: cleveland, roles: ['analyst'] });
    const response = await get(token);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('Invalid or missing bearer token');
  });

  it('refuses a person once erased', async () => {
    const adminToken = await issuer.sign({ employee_id: admin, org: cleveland, roles: ['admin'] });
    await t
      .http()
      .post(`/directory/people/${leaver}/erasure`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({ reason: 'Left the force' })
      .expect(200);
    await inView(leaver, true);
    const token = await issuer.sign({ employee_id: leaver, org: cleveland, roles: ['analyst'] });
    const response = await get(token);
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('/problems/unknown-person');
  });

  it('serves a calendar feed only while its person is enrolled, though the token is never revoked', async () => {
    // Issued outside any request, so no earlier answer of the directory is kept for them.
    const feeds = t.app.get(FeedTokens);
    const feedOf = async (personId: string) =>
      `/views/my-actions/calendar/${await feeds.issue(
        { personId, organisationId: cleveland, roles: ['analyst'] },
        'my-actions-calendar',
      )}`;
    await t
      .http()
      .get(await feedOf(analyst))
      .expect(200);
    const erased = await t.http().get(await feedOf(leaver));
    expect(erased.status).toBe(404);
    expect(erased.headers['content-type']).toMatch(/application\/problem\+json/);
    await t
      .http()
      .get(await feedOf(`stranger-${suffix}`))
      .expect(404);
  });

  it('asks the directory once for a stream of requests by the same person', async () => {
    const pool = t.app.get<Pool>(EVENT_STORE_POOL);
    const query = jest.spyOn(pool, 'query');
    try {
      const token = await issuer.sign({ employee_id: admin, org: cleveland, roles: ['admin'] });
      for (let i = 0; i < 5; i++) await get(token).expect(200);
      const lookups = query.mock.calls.filter(([sql]) =>
        String(sql).includes('FROM directory.people'),
      );
      expect(lookups.length).toBeLessThanOrEqual(1);
    } finally {
      query.mockRestore();
    }
  });
});

describe('tokens of the local development issuer', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('are not checked against the directory (development and tests act as anyone)', async () => {
    const nobody = principal(`org-${randomUUID().slice(0, 6)}`, ['analyst'], 'never-enrolled');
    await (await t.as(nobody)).get('/directory/organisations').expect(200);
  });

  it('are signed for the audience the service expects by default, an absolute URI', () => {
    expect(DEFAULT_AUDIENCE).toBe(validateEnv({}).OIDC_AUDIENCE);
    expect(new URL(DEFAULT_AUDIENCE).protocol).toBe('https:');
  });
});
