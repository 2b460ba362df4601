import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  DEFAULT_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateLocalIssuer,
  TokenRequestError,
  type TokenRequest,
} from './local-issuer.js';
import { TokenVerifier } from './token-verifier.js';

const request: TokenRequest = {
  personId: 'lro-cleveland-1',
  organisationId: 'cleveland-police',
  roles: ['lro', 'analyst'],
};

describe('local issuer', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'soc-local-issuer-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates its key once, private to its owner, and reuses it on the next load', async () => {
    const first = await loadOrCreateLocalIssuer(dataDir);
    const token = await first.sign(request);
    const second = await loadOrCreateLocalIssuer(dataDir);

    expect(second.publicKeys()).toEqual(first.publicKeys());
    const verifier = await TokenVerifier.create(second.verifierSettings());
    await expect(verifier.verify(token)).resolves.toEqual(request);
    expect((await stat(first.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(first.keyFile).toBe(join(dataDir, 'keys', 'local-issuer.jwk.json'));
  });

  it('ends up with one key when two loads race to create it', async () => {
    const [a, b] = await Promise.all([
      loadOrCreateLocalIssuer(dataDir),
      loadOrCreateLocalIssuer(dataDir),
    ]);
    expect(a.publicKeys()).toEqual(b.publicKeys());
  });

  it('publishes only the public key, named by its thumbprint', async () => {
    const issuer = await loadOrCreateLocalIssuer(dataDir);
    const [key] = issuer.publicKeys().keys;
    expect(key).not.toHaveProperty('d');
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = JSON.parse(await readFile(issuer.keyFile, 'utf8')) as { kid?: string };
    expect(stored.kid).toBe(key.kid);
  });

  it('signs a token with every claim the verifier expects', async () => {
    const issuer = await loadOrCreateLocalIssuer(dataDir);
    const token = await issuer.sign({ ...request, ttlSeconds: 600, audience: 'other-api' });
    const claims = decodeJwt(token);

    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      kid: issuer.publicKeys().keys[0].kid,
      typ: 'JWT',
    });
    expect(claims).toMatchObject({
      iss: LOCAL_ISSUER,
      aud: 'other-api',
      sub: 'lro-cleveland-1',
      org: 'cleveland-police',
      roles: ['lro', 'analyst'],
    });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toEqual(expect.any(String));
    expect(issuer.audience).toBe(DEFAULT_AUDIENCE);
  });

  it.each([
    ['a malformed person id', { ...request, personId: 'Not An Id' }],
    ['a malformed organisation id', { ...request, organisationId: '' }],
    ['an unknown role', { ...request, roles: ['root'] as unknown as TokenRequest['roles'] }],
    ['a lifetime of zero', { ...request, ttlSeconds: 0 }],
    ['a lifetime over 7 days', { ...request, ttlSeconds: 8 * 24 * 3600 }],
    ['an audience with spaces', { ...request, audience: 'a b' }],
  ])('refuses to sign %s', async (_case, bad) => {
    const issuer = await loadOrCreateLocalIssuer(dataDir);
    await expect(issuer.sign(bad)).rejects.toBeInstanceOf(TokenRequestError);
  });

  it('refuses a key file that is not an ES256 private key instead of replacing it', async () => {
    const issuer = await loadOrCreateLocalIssuer(dataDir);
    await writeFile(issuer.keyFile, '{"kty":"oct","k":"c2VjcmV0"}');
    await expect(loadOrCreateLocalIssuer(dataDir)).rejects.toThrow(/not an ES256 private key/);
  });
});
