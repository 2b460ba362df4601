import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { IDENTIFIER, isRole, type Role } from '../principal.js';
import type { AuthenticationSettings } from './token-verifier.js';

/** In development the system is its own issuer: tokens are signed with a key kept under DATA_DIR. */
export const LOCAL_ISSUER = 'urn:soc-partnership:local-issuer';
/** An absolute URI, as RFC 8707 resource indicators require; OIDC_AUDIENCE's default too. */
export const DEFAULT_AUDIENCE = 'https://soc-partnership.local/api';
export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 3600;
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

const ALGORITHM = 'ES256';
const AUDIENCE = /^[\x21-\x7e]{1,256}$/;

export interface TokenRequest {
  personId: string;
  organisationId: string;
  roles: readonly Role[];
  /** Default 8 hours, at most 7 days. */
  ttlSeconds?: number;
  audience?: string;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Where the private key is kept. */
  readonly keyFile: string;
  publicKeys(): JSONWebKeySet;
  /** What a TokenVerifier needs to accept this issuer's tokens. */
  verifierSettings(): AuthenticationSettings;
  sign(request: TokenRequest): Promise<string>;
}

/** A token request that cannot be honoured: bad identifier, unknown role, bad lifetime or audience. */
export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
}

export function checkTokenRequest(request: TokenRequest): void {
  for (const [field, value] of [
    ['person id', request.personId],
    ['organisation id', request.organisationId],
  ] as const) {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
      throw new TokenRequestError(
        `The ${field} ${JSON.stringify(value)} is not an identifier (lower-case letters, digits, '.', '_', '-'; at most 128)`,
      );
    }
  }
  const unknown = request.roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new TokenRequestError(`Unknown roles: ${unknown.join(', ')}`);
  const ttl = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new TokenRequestError(
      `The lifetime must be a whole number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS}`,
    );
  }
  if (request.audience !== undefined && !AUDIENCE.test(request.audience)) {
    throw new TokenRequestError(`The audience ${JSON.stringify(request.audience)} is not valid`);
  }
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

function isEs256PrivateKey(jwk: unknown): jwk is JWK {
  const { kty, crv, d, x, y } = (jwk ?? {}) as Record<string, unknown>;
  return kty === 'EC' && crv === 'P-256' && [d, x, y].every((part) => typeof part === 'string');
}

async function readKey(file: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    jwk = undefined;
  }
  if (!isEs256PrivateKey(jwk)) {
    throw new Error(`${file} is not an ES256 private key (JWK); move it away to create a new one`);
  }
  return jwk;
}

/**
 * Written to a temporary file, then hard-linked into place: `link` never replaces an existing
 * file, so when two processes create the key at once both end up with the one that won.
 */
async function createKey(file: string): Promise<JWK> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const exported = await exportJWK(privateKey);
  const jwk: JWK = { ...exported, kid: await calculateJwkThumbprint(publicPart(exported)) };
  const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
    return jwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKey(file)) as JWK;
  } finally {
    await unlink(temporary);
  }
}

class FileKeyIssuer implements LocalIssuer {
  readonly issuer = LOCAL_ISSUER;
  readonly audience = DEFAULT_AUDIENCE;

  constructor(
    readonly keyFile: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: JWK,
  ) {}

  publicKeys(): JSONWebKeySet {
    return { keys: [{ ...this.publicKey }] };
  }

  verifierSettings(): AuthenticationSettings {
    return { issuer: this.issuer, audience: this.audience, keys: this.publicKeys() };
  }

  async sign(request: TokenRequest): Promise<string> {
    checkTokenRequest(request);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ org: request.organisationId, roles: [...request.roles] })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.publicKey.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(request.audience ?? this.audience)
      .setSubject(request.personId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + (request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS))
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}

/**
 * The development issuer of `dataDir`: its ES256 key is created at first use in
 * `${dataDir}/keys/local-issuer.jwk.json` (mode 0600, folder 0700) and reused afterwards, so
 * tokens stay valid across restarts. The key id is the key's JWK thumbprint (RFC 7638).
 */
export async function loadOrCreateLocalIssuer(dataDir: string): Promise<LocalIssuer> {
  const keyFile = join(dataDir, 'keys', 'local-issuer.jwk.json');
  const jwk = (await readKey(keyFile)) ?? (await createKey(keyFile));
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  const privateKey = (await importJWK({ ...jwk, alg: ALGORITHM }, ALGORITHM)) as CryptoKey;
  const publicKey: JWK = { ...publicPart(jwk), kid, alg: ALGORITHM, use: 'sig' };
  return new FileKeyIssuer(keyFile, privateKey, publicKey);
}
