import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AuthenticationSettingsError, TokenVerifier } from './token-verifier.js';

const AUDIENCE = 'https://soc-partnership.local/api';

interface RsaKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function rsaKey(kid: string): Promise<RsaKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' } };
}

/** A minimal OpenID provider: a discovery document and a key set that can be rotated. */
class TestIssuer {
  keys: RsaKey[] = [];
  jwksFetches = 0;
  jwksStatus = 200;
  claimedIssuer?: string;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const body = this.answer(request.url ?? '');
      response.writeHead(body === undefined ? 404 : this.statusFor(request.url ?? ''), {
        'content-type': 'application/json',
      });
      response.end(JSON.stringify(body ?? {}));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  sign(key: RsaKey, claims: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT({ org: 'cleveland-police', roles: ['lro'], ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(this.url)
      .setAudience(AUDIENCE)
      .setSubject('lro-cleveland-1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key.privateKey);
  }

  private statusFor(url: string): number {
    return url === '/jwks' ? this.jwksStatus : 200;
  }

  private answer(url: string): unknown {
    if (url === '/.well-known/openid-configuration') {
      return { issuer: this.claimedIssuer ?? this.url, jwks_uri: `${this.url}/jwks` };
    }
    if (url === '/jwks') {
      this.jwksFetches += 1;
      return { keys: this.keys.map((key) => key.publicJwk) };
    }
    return undefined;
  }
}

const refusal = (reason: string) => ({
  name: 'AuthenticationError',
  message: 'Invalid or missing bearer token',
  reason,
});

describe('a discovered OpenID issuer', () => {
  let issuer: TestIssuer;
  let first: RsaKey;
  let second: RsaKey;

  beforeAll(async () => {
    [first, second] = await Promise.all([rsaKey('2024-a'), rsaKey('2025-b')]);
  });

  beforeEach(async () => {
    issuer = await new TestIssuer().start();
    issuer.keys = [first];
  });

  afterEach(() => issuer.stop());

  const discover = (jwksCooldownSeconds?: number) =>
    TokenVerifier.create({
      issuer: issuer.url,
      audience: AUDIENCE,
      discover: true,
      jwksCooldownSeconds,
    });

  it('accepts a token signed by a published key', async () => {
    const verifier = await discover();
    await expect(verifier.verify(await issuer.sign(first))).resolves.toEqual({
      personId: 'lro-cleveland-1',
      organisationId: 'cleveland-police',
      roles: ['lro'],
    });
    await verifier.verify(await issuer.sign(first));
    expect(issuer.jwksFetches).toBe(1);
  });

  it('picks up a rotated-in key and refuses the rotated-out one', async () => {
    const verifier = await discover(0.2);
    const old = await issuer.sign(first);
    await verifier.verify(old);

    issuer.keys = [second];
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(verifier.verify(await issuer.sign(second))).resolves.toBeDefined();
    expect(issuer.jwksFetches).toBe(2);
    await expect(verifier.verify(old)).rejects.toMatchObject(refusal('unknown kid'));
  });

  it('does not refetch the key set for every unknown kid', async () => {
    const verifier = await discover();
    await verifier.verify(await issuer.sign(first));
    const stranger = await rsaKey('made-up');

    for (let i = 0; i < 5; i += 1) {
      await expect(verifier.verify(await issuer.sign(stranger))).rejects.toMatchObject(
        refusal('unknown kid'),
      );
    }
    expect(issuer.jwksFetches).toBe(1);
  });

  it('says the key set is unavailable when the issuer cannot serve it', async () => {
    const verifier = await discover();
    issuer.jwksStatus = 500;
    await expect(verifier.verify(await issuer.sign(first))).rejects.toMatchObject(
      refusal('key set unavailable'),
    );
  });

  it('refuses discovery whose document names another issuer', async () => {
    issuer.claimedIssuer = 'https://login.evil.example';
    await expect(discover()).rejects.toThrow(AuthenticationSettingsError);
    await expect(discover()).rejects.toThrow(/names the issuer "https:\/\/login\.evil\.example"/);
  });

  it('refuses to discover over plain HTTP beyond the loopback interface', async () => {
    const verifier = TokenVerifier.create({
      issuer: 'http://idp.example',
      audience: AUDIENCE,
      discover: true,
    });
    await expect(verifier).rejects.toThrow(/must be an https URL/);
  });
});
