import { jest } from '@jest/globals';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';
import {
  AuthenticationError,
  AuthenticationSettingsError,
  bearerToken,
  TokenVerifier,
  type AuthenticationSettings,
} from './token-verifier.js';

const ISSUER = 'https://idp.test.example';
const AUDIENCE = 'https://soc-partnership.local/api';
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(alg: string, kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

const goodClaims = (): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'lro-cleveland-1',
  org: 'cleveland-police',
  roles: ['lro', 'analyst'],
  iat: now(),
  exp: now() + 600,
});

async function sign(
  claims: JWTPayload,
  key: CryptoKey | Uint8Array,
  header: Partial<JWTHeaderParameters> & { alg: string },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

function expectRefusal(promise: Promise<unknown>, reason: string): Promise<void> {
  return expect(promise).rejects.toMatchObject({
    name: 'AuthenticationError',
    message: 'Invalid or missing bearer token',
    reason,
  });
}

describe('TokenVerifier', () => {
  let es: KeyPair;
  let rsa: KeyPair;
  let attacker: KeyPair;
  let keys: JSONWebKeySet;
  let verifier: TokenVerifier;
  const settings = (extra: Partial<AuthenticationSettings> = {}): AuthenticationSettings => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys,
    ...extra,
  });
  const signEs = (claims: JWTPayload = goodClaims()) =>
    sign(claims, es.privateKey, { alg: 'ES256', kid: 'es-1' });

  beforeAll(async () => {
    es = await keyPair('ES256', 'es-1');
    rsa = await keyPair('RS256', 'rsa-1');
    attacker = await keyPair('ES256', 'es-1');
    keys = { keys: [es.publicJwk, rsa.publicJwk] };
    verifier = await TokenVerifier.create(settings());
  });

  describe('accepts', () => {
    it('a good token, as the Principal it names', async () => {
      await expect(verifier.verify(await signEs())).resolves.toEqual({
        personId: 'lro-cleveland-1',
        organisationId: 'cleveland-police',
        roles: ['lro', 'analyst'],
      });
    });

    it('drops unknown roles and reads a space-separated roles string', async () => {
      const listed = await signEs({ ...goodClaims(), roles: ['lro', 'superuser', 'lro', 42] });
      const spaced = await signEs({ ...goodClaims(), roles: 'auditor root analyst' });
      expect((await verifier.verify(listed)).roles).toEqual(['lro']);
      expect((await verifier.verify(spaced)).roles).toEqual(['auditor', 'analyst']);
    });

    it('a token with no roles claim, with no roles', async () => {
      const { roles: _roles, ...claims } = goodClaims();
      expect((await verifier.verify(await signEs(claims))).roles).toEqual([]);
    });

    it('an RS256 token, and one just expired within the clock tolerance', async () => {
      const rs = await sign(goodClaims(), rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' });
      await expect(verifier.verify(rs)).resolves.toMatchObject({ personId: 'lro-cleveland-1' });
      const justExpired = await signEs({ ...goodClaims(), exp: now() - 10 });
      await expect(verifier.verify(justExpired)).resolves.toBeDefined();
    });

    it('claims under configured names', async () => {
      const custom = await TokenVerifier.create(
        settings({ organisationClaim: 'tenant', rolesClaim: 'groups' }),
      );
      const token = await signEs({
        ...goodClaims(),
        tenant: 'durham-constabulary',
        groups: 'auditor',
      });
      await expect(custom.verify(token)).resolves.toEqual({
        personId: 'lro-cleveland-1',
        organisationId: 'durham-constabulary',
        roles: ['auditor'],
      });
    });

    it('the person under a configured claim, `sub` still required', async () => {
      const custom = await TokenVerifier.create(settings({ personClaim: 'employee_id' }));
      const token = await signEs({ ...goodClaims(), sub: 'f3a1c9d2', employee_id: 'dc-durham-7' });
      await expect(custom.verify(token)).resolves.toMatchObject({ personId: 'dc-durham-7' });
      await expectRefusal(custom.verify(await signEs()), 'no employee_id claim');
      await expectRefusal(
        custom.verify(await signEs({ ...goodClaims(), employee_id: 'DC Durham' })),
        'invalid employee_id claim',
      );
      const { sub: _sub, ...noSub } = goodClaims();
      await expectRefusal(
        custom.verify(await signEs({ ...noSub, employee_id: 'dc-durham-7' })),
        'no sub claim',
      );
    });
  });

  const without = (claim: string) => {
    const claims = goodClaims();
    delete claims[claim];
    return claims;
  };

  const forgeries: [string, string, () => Promise<string>][] = [
    ['garbage', 'malformed', async () => 'not-a-token'],
    ['three segments that are not JSON', 'malformed', async () => 'abc.def.ghi'],
    ['an over-long token', 'malformed', async () => `${'a'.repeat(9000)}.b.c`],
    ['an expired token', 'expired', () => signEs({ ...goodClaims(), exp: now() - 3600 })],
    [
      'a token not yet valid',
      'not yet valid',
      () => signEs({ ...goodClaims(), nbf: now() + 3600 }),
    ],
    ['a token with no exp claim at all', 'no exp claim', () => signEs(without('exp'))],
    ['a token with no sub', 'no sub claim', () => signEs(without('sub'))],
    ['a token with no organisation', 'no org claim', () => signEs(without('org'))],
    [
      'a sub that is not an identifier',
      'invalid sub claim',
      () => signEs({ ...goodClaims(), sub: 'Robert; DROP TABLE' }),
    ],
    [
      'roles that are neither a list nor a string',
      'invalid roles claim',
      () => signEs({ ...goodClaims(), roles: { admin: true } }),
    ],
    [
      'an exp that is not a number',
      'invalid exp claim',
      () => signEs({ ...goodClaims(), exp: 'tomorrow' as unknown as number }),
    ],
    ['a wrong issuer', 'issuer', () => signEs({ ...goodClaims(), iss: 'https://evil.example' })],
    ['a wrong audience', 'audience', () => signEs({ ...goodClaims(), aud: 'another-service' })],
    [
      'alg none (unsigned)',
      'algorithm not allowed',
      async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(goodClaims())}.`,
    ],
    [
      'HS256 keyed with the public key (key confusion)',
      'algorithm not allowed',
      async () => {
        const pem = await exportSPKI(
          (await generateKeyPair('RS256', { extractable: true })).publicKey,
        );
        const secret = new TextEncoder().encode(pem);
        return sign(goodClaims(), secret, { alg: 'HS256', kid: 'rsa-1' });
      },
    ],
    [
      'HS256 keyed with the JWK of a trusted key',
      'algorithm not allowed',
      async () =>
        sign(goodClaims(), new TextEncoder().encode(JSON.stringify(rsa.publicJwk)), {
          alg: 'HS256',
          kid: 'rsa-1',
        }),
    ],
    [
      'RS384 from a trusted key, outside the allow-list',
      'algorithm not allowed',
      async () => {
        const rs384 = await importJWK({ ...(await exportJWK(rsa.privateKey)), alg: 'RS384' });
        return sign(goodClaims(), rs384, { alg: 'RS384', kid: 'rsa-1' });
      },
    ],
    [
      'an unknown kid',
      'unknown kid',
      () => sign(goodClaims(), attacker.privateKey, { alg: 'ES256', kid: 'es-2' }),
    ],
    [
      "the attacker's own key embedded as jwk",
      'embedded key in header',
      () => sign(goodClaims(), attacker.privateKey, { alg: 'ES256', jwk: attacker.publicJwk }),
    ],
    [
      'an x5c certificate chain',
      'embedded key in header',
      () => sign(goodClaims(), attacker.privateKey, { alg: 'ES256', kid: 'es-1', x5c: ['MIIB'] }),
    ],
    [
      'jku pointing elsewhere',
      'remote key in header',
      () =>
        sign(goodClaims(), attacker.privateKey, {
          alg: 'ES256',
          kid: 'es-1',
          jku: 'https://evil.example/jwks.json',
        }),
    ],
    [
      'x5u pointing elsewhere',
      'remote key in header',
      () =>
        sign(goodClaims(), attacker.privateKey, {
          alg: 'ES256',
          kid: 'es-1',
          x5u: 'https://evil.example/cert.pem',
        }),
    ],
    [
      'a crit header',
      'crit header',
      async () =>
        `${b64url({ alg: 'ES256', kid: 'es-1', crit: ['x-ext'], 'x-ext': 1 })}.${b64url(goodClaims())}.AA`,
    ],
    [
      'a tampered payload',
      'signature',
      async () => {
        const [header, , signature] = (await signEs()).split('.');
        return `${header}.${b64url({ ...goodClaims(), roles: ['admin'] })}.${signature}`;
      },
    ],
    [
      'a tampered signature',
      'signature',
      async () => {
        const [header, payload, signature] = (await signEs()).split('.');
        const middle = Math.floor(signature.length / 2);
        const flipped = signature[middle] === 'A' ? 'B' : 'A';
        return `${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      },
    ],
    [
      'another key reusing a trusted kid',
      'signature',
      () => sign(goodClaims(), attacker.privateKey, { alg: 'ES256', kid: 'es-1' }),
    ],
  ];

  it.each(forgeries)('refuses %s (%s)', async (_case, reason, forge) => {
    await expectRefusal(verifier.verify(await forge()), reason);
  });

  it('refuses a token older than maxTokenAgeSeconds, whatever its exp', async () => {
    const strict = await TokenVerifier.create(settings({ maxTokenAgeSeconds: 3600 }));
    const old = await signEs({ ...goodClaims(), iat: now() - 7200, exp: now() + 3600 });
    await expectRefusal(strict.verify(old), 'too old');
  });

  describe('once it has accepted a token', () => {
    // Only the clock is faked: jose's checks and WebCrypto go on as they are.
    beforeEach(() => jest.useFakeTimers({ now: Date.now(), advanceTimers: true }));
    afterEach(() => jest.useRealTimers());
    const later = (seconds: number) => jest.setSystemTime(Date.now() + seconds * 1000);

    it('still refuses it once it expires, past the clock tolerance', async () => {
      const token = await signEs({ ...goodClaims(), exp: now() + 5 });
      await expect(verifier.verify(token)).resolves.toBeDefined();
      later(30);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      later(10);
      await expectRefusal(verifier.verify(token), 'expired');
    });

    it('still refuses it once it is older than maxTokenAgeSeconds', async () => {
      const strict = await TokenVerifier.create(settings({ maxTokenAgeSeconds: 60 }));
      const token = await signEs();
      await expect(strict.verify(token)).resolves.toBeDefined();
      later(95);
      await expectRefusal(strict.verify(token), 'too old');
    });

    it('still refuses a tampered copy of it', async () => {
      const token = await signEs();
      await expect(verifier.verify(token)).resolves.toBeDefined();
      const [header, payload, signature] = token.split('.');
      const roles = b64url({ ...goodClaims(), roles: ['admin', 'lro'] });
      await expectRefusal(verifier.verify(`${header}.${roles}.${signature}`), 'signature');
      const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
      await expectRefusal(verifier.verify(`${header}.${payload}.${flipped}`), 'signature');
      await expect(verifier.verify(token)).resolves.toBeDefined();
    });

    it('checks its signature again after a minute', async () => {
      const token = await signEs({ ...goodClaims(), exp: now() + 3600 });
      const check = jest.spyOn(crypto.subtle, 'verify');
      try {
        await verifier.verify(token);
        await verifier.verify(token);
        expect(check).toHaveBeenCalledTimes(1);
        later(61);
        await verifier.verify(token);
        expect(check).toHaveBeenCalledTimes(2);
      } finally {
        check.mockRestore();
      }
    });
  });

  it('never says which check failed in the message', async () => {
    const error = await verifier.verify('x.y.z').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toBe('AuthenticationError: Invalid or missing bearer token');
  });
});

describe('TokenVerifier settings', () => {
  const keys: JSONWebKeySet = { keys: [] };
  const base = { issuer: ISSUER, audience: AUDIENCE };

  it.each([
    ['HMAC algorithms', { ...base, keys, algorithms: ['ES256', 'HS256'] }],
    ['alg none', { ...base, keys, algorithms: ['none'] }],
    ['an empty allow-list', { ...base, keys, algorithms: [] }],
    ['both discovery and fixed keys', { ...base, keys, discover: true }],
    ['neither discovery nor keys', { ...base }],
    ['no audience', { issuer: ISSUER, audience: '', keys }],
    ['a negative clock tolerance', { ...base, keys, clockToleranceSeconds: -1 }],
    ['a private key in the set', { ...base, keys: { keys: [{ kty: 'EC', d: 'secret' }] } }],
    ['a symmetric key in the set', { ...base, keys: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
  ] as [string, AuthenticationSettings][])('refuses %s', async (_case, refused) => {
    await expect(TokenVerifier.create(refused)).rejects.toBeInstanceOf(AuthenticationSettingsError);
  });
});

describe('bearerToken', () => {
  it('extracts the token whatever the case of the scheme', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER  abc.def-_~+/ghi==')).toBe('abc.def-_~+/ghi==');
  });

  it.each([
    ['no header', undefined, 'no token'],
    ['an empty header', '', 'no token'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', 'not a bearer token'],
    ['a scheme without a token', 'Bearer', 'not a bearer token'],
    ['two tokens', 'Bearer abc def', 'not a bearer token'],
    ['a token with forbidden characters', 'Bearer abc"def', 'not a bearer token'],
    ['a token glued to the scheme', 'Bearerabc', 'not a bearer token'],
    ['an over-long token', `Bearer ${'a'.repeat(8 * 1024 + 1)}`, 'token too long'],
  ])('refuses %s', (_case, header, reason) => {
    expect(() => bearerToken(header)).toThrow(AuthenticationError);
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ reason }));
  });
});
