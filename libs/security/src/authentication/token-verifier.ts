import {
  type CompactJWSHeaderParameters,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import { IDENTIFIER, isRole, type Principal, type Role } from '../principal.js';
import { AuthenticationError, AuthenticationSettingsError } from './errors.js';
import { discoverJwksUri } from './oidc-discovery.js';

export { AuthenticationError, AuthenticationSettingsError } from './errors.js';

export interface AuthenticationSettings {
  issuer: string;
  audience: string;
  /** OIDC issuer: the JWKS is found through `${issuer}/.well-known/openid-configuration` (jwks_uri). */
  discover?: boolean;
  /** Or a fixed key set (the local development issuer). */
  keys?: JSONWebKeySet;
  /** Default {@link DEFAULT_ALGORITHMS}; HMAC and `none` are refused. */
  algorithms?: string[];
  /** Default 30. */
  clockToleranceSeconds?: number;
  /** The claim naming the acting person (a directory id). Default 'sub'. */
  personClaim?: string;
  /** Default 'org'. */
  organisationClaim?: string;
  /** Default 'roles'. */
  rolesClaim?: string;
  /** Refuse tokens issued (`iat`) longer ago than this, whatever their `exp`. */
  maxTokenAgeSeconds?: number;
  /** Discovered issuers: how soon an unknown `kid` may trigger another fetch of the key set. Default 30. */
  jwksCooldownSeconds?: number;
}

export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'];
export const MAX_TOKEN_LENGTH = 8 * 1024;

const JWKS_TIMEOUT_MS = 5000;
const JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;
const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const MAX_TOKEN_AGE_SECONDS = 365 * 24 * 3600;
const MAX_JWKS_COOLDOWN_SECONDS = 3600;
/** How long a verified token is taken without checking its signature again, at most. */
const VERIFIED_TOKEN_TTL_SECONDS = 60;
const VERIFIED_TOKENS_MAX = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const EMBEDDED_KEY_HEADERS = ['jwk', 'x5c'];
const REMOTE_KEY_HEADERS = ['jku', 'x5u'];

/** The token of an `Authorization: Bearer <token>` header (RFC 6750), or an AuthenticationError. */
export function bearerToken(authorizationHeader: string | undefined): string {
  if (!authorizationHeader) throw new AuthenticationError('no token');
  if (authorizationHeader.length > MAX_TOKEN_LENGTH + 16) {
    throw new AuthenticationError('token too long');
  }
  const match = BEARER.exec(authorizationHeader);
  if (!match) throw new AuthenticationError('not a bearer token');
  if (match[1].length > MAX_TOKEN_LENGTH) throw new AuthenticationError('token too long');
  return match[1];
}

interface VerifierOptions {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockTolerance: number;
  maxTokenAge?: number;
  personClaim: string;
  organisationClaim: string;
  rolesClaim: string;
}

/** A token's time claims, as the full check read them. */
interface TimeClaims {
  readonly exp: number;
  readonly nbf?: number;
  readonly iat?: number;
}

interface VerifiedToken {
  readonly principal: Principal;
  readonly claims: TimeClaims;
  /** The key its signature was checked with. */
  readonly key: unknown;
  /** Epoch seconds after which it is checked from scratch again. */
  readonly recheckAt: number;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Checks bearer tokens (JWS compact JWTs) and turns the good ones into a Principal.
 *
 * A token that passed every check is remembered by its exact text, signature included, for at
 * most {@link VERIFIED_TOKEN_TTL_SECONDS}, so that a client's next requests with it skip the
 * signature check (ECDSA or RSA, each a trip to libuv's thread pool). On every request its header
 * is checked again, the key set is asked for its key again (a rotated-out key, or a reloaded key
 * set, sends it through the whole check) and its time claims are checked as jose checks them
 * (expired, not yet valid, too old). A token that differs by one byte, forged or tampered, is not
 * found and gets the whole check; refusals are never remembered.
 */
export class TokenVerifier {
  private readonly allowed: ReadonlySet<string>;
  private readonly verified = new Map<string, VerifiedToken>();

  private constructor(
    private readonly options: VerifierOptions,
    private readonly keys: JWTVerifyGetKey,
  ) {
    this.allowed = new Set(options.algorithms);
  }

  static async create(
    settings: AuthenticationSettings,
    fetchImpl: typeof fetch = globalThis.fetch,
  ): Promise<TokenVerifier> {
    const options = checkSettings(settings);
    const keys = settings.discover
      ? await remoteKeySet(settings, fetchImpl)
      : localKeySet(settings.keys);
    return new TokenVerifier(options, guardKeyLookup(keys));
  }

  async verify(token: string): Promise<Principal> {
    const now = epochSeconds();
    const header = refuseDangerousHeader(token, this.allowed);
    const known = this.verified.get(token);
    if (known) {
      this.verified.delete(token);
      if (now < known.recheckAt && this.inTime(known.claims, now)) {
        if ((await this.currentKey(header, token)) === known.key) {
          this.verified.set(token, known);
          return known.principal;
        }
      }
    }
    let key: unknown;
    const payload = await this.verifyJwt(token, async (keyHeader, input) => {
      key = await this.keys(keyHeader, input);
      return key as Awaited<ReturnType<JWTVerifyGetKey>>;
    });
    const principal = toPrincipal(payload, this.options);
    if (typeof payload.exp === 'number' && key !== undefined) {
      this.remember(token, {
        principal,
        claims: { exp: payload.exp, nbf: payload.nbf, iat: payload.iat },
        key,
        recheckAt: now + VERIFIED_TOKEN_TTL_SECONDS,
      });
    }
    return principal;
  }

  /** The key the key set gives for the token now, as jose would ask for it; none if it fails. */
  private async currentKey(header: ProtectedHeaderParameters, token: string): Promise<unknown> {
    const [protectedHeader, payload, signature] = token.split('.');
    try {
      return await this.keys(header as CompactJWSHeaderParameters, {
        protected: protectedHeader,
        payload,
        signature,
      });
    } catch {
      return undefined;
    }
  }

  /** jose's own time checks (jwt_claims_set.js), on claims it has validated once already. */
  private inTime({ exp, nbf, iat }: TimeClaims, now: number): boolean {
    const { clockTolerance: tolerance, maxTokenAge } = this.options;
    if (nbf !== undefined && nbf > now + tolerance) return false;
    if (exp <= now - tolerance) return false;
    if (maxTokenAge !== undefined) {
      if (iat === undefined) return false;
      const age = now - iat;
      if (age - tolerance > maxTokenAge || age < -tolerance) return false;
    }
    return true;
  }

  private remember(token: string, entry: VerifiedToken): void {
    if (this.verified.size >= VERIFIED_TOKENS_MAX) {
      // The least recently used: a Map iterates in insertion order, and a hit re-inserts.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, entry);
  }

  private async verifyJwt(token: string, keys: JWTVerifyGetKey): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        // jose accepts a token without `exp` unless it is required.
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.options.clockTolerance,
        maxTokenAge: this.options.maxTokenAge,
      });
      return payload;
    } catch (error) {
      throw error instanceof AuthenticationError
        ? error
        : new AuthenticationError(reasonFor(error), { cause: error });
    }
  }
}

function checkSettings(settings: AuthenticationSettings): VerifierOptions {
  if (!settings.issuer || !settings.audience) {
    throw new AuthenticationSettingsError('An issuer and an audience are required');
  }
  if (Boolean(settings.discover) === Boolean(settings.keys)) {
    throw new AuthenticationSettingsError('Set exactly one of `discover` and `keys`');
  }
  return {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: checkAlgorithms(settings.algorithms ?? [...DEFAULT_ALGORITHMS]),
    clockTolerance: checkSeconds(
      settings.clockToleranceSeconds ?? 30,
      'clockToleranceSeconds',
      MAX_CLOCK_TOLERANCE_SECONDS,
    ),
    maxTokenAge:
      settings.maxTokenAgeSeconds === undefined
        ? undefined
        : checkSeconds(settings.maxTokenAgeSeconds, 'maxTokenAgeSeconds', MAX_TOKEN_AGE_SECONDS),
    personClaim: settings.personClaim ?? 'sub',
    organisationClaim: settings.organisationClaim ?? 'org',
    rolesClaim: settings.rolesClaim ?? 'roles',
  };
}

/** Symmetric algorithms would let anyone holding the (public) verification key mint tokens. */
function checkAlgorithms(algorithms: string[]): string[] {
  const refused = algorithms.filter((alg) => /^(HS\d+|none)$/i.test(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new AuthenticationSettingsError(
      `Allowed algorithms must be asymmetric and not empty; refused: ${refused.join(', ') || '(empty list)'}`,
    );
  }
  return [...algorithms];
}

function checkSeconds(value: number, name: string, max: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) {
    throw new AuthenticationSettingsError(`${name} must be between 0 and ${max} seconds`);
  }
  return value;
}

function localKeySet(keys: JSONWebKeySet | undefined): JWTVerifyGetKey {
  if (!Array.isArray(keys?.keys)) {
    throw new AuthenticationSettingsError('The key set is not a JSON Web Key Set');
  }
  const secret = keys.keys.find((key) => key.kty === 'oct' || 'd' in key || 'k' in key);
  if (secret) {
    throw new AuthenticationSettingsError(
      `The key set must hold public keys only (kid ${JSON.stringify(secret.kid)} is not one)`,
    );
  }
  try {
    return createLocalJWKSet(keys);
  } catch (cause) {
    throw new AuthenticationSettingsError('The key set is not a JSON Web Key Set', { cause });
  }
}

async function remoteKeySet(
  settings: AuthenticationSettings,
  fetchImpl: typeof fetch,
): Promise<JWTVerifyGetKey> {
  const jwksUri = await discoverJwksUri(settings.issuer, fetchImpl);
  const cooldown = settings.jwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS;
  return createRemoteJWKSet(jwksUri, {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
    // Bounds how often tokens with made-up kids can make us fetch the key set.
    cooldownDuration:
      checkSeconds(cooldown, 'jwksCooldownSeconds', MAX_JWKS_COOLDOWN_SECONDS) * 1000,
    [customFetch]: fetchImpl,
  });
}

/** Failures to fetch or read the key set are not the token's fault: say so in the logs. */
function guardKeyLookup(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      ) {
        throw error;
      }
      throw new AuthenticationError('key set unavailable', { cause: error });
    }
  };
}

function decodeHeader(token: string): ProtectedHeaderParameters {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new AuthenticationError('malformed');
  }
  try {
    return decodeProtectedHeader(token);
  } catch (cause) {
    throw new AuthenticationError('malformed', { cause });
  }
}

/**
 * Keys named or carried by the token itself must never be trusted, and extensions we do not
 * implement (`crit`) must not be waved through. Checked before any key is looked up.
 */
function refuseDangerousHeader(
  token: string,
  allowed: ReadonlySet<string>,
): ProtectedHeaderParameters {
  const header = decodeHeader(token);
  const has = (name: string) => Object.hasOwn(header, name);
  if (EMBEDDED_KEY_HEADERS.some(has)) throw new AuthenticationError('embedded key in header');
  if (REMOTE_KEY_HEADERS.some(has)) throw new AuthenticationError('remote key in header');
  if (has('crit')) throw new AuthenticationError('crit header');
  if (typeof header.alg !== 'string' || !allowed.has(header.alg)) {
    throw new AuthenticationError('algorithm not allowed');
  }
  return header;
}

const REASON_BY_CLAIM: Readonly<Record<string, string>> = {
  iss: 'issuer',
  aud: 'audience',
  nbf: 'not yet valid',
  exp: 'expired',
  iat: 'issued in the future',
};

const REASON_BY_CODE: Readonly<Record<string, string>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'not supported',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown kid',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous kid',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
};

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'too old' : 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `no ${error.claim} claim`;
    if (error.reason === 'invalid') return `invalid ${error.claim} claim`;
    return REASON_BY_CLAIM[error.claim] ?? 'claims';
  }
  if (error instanceof errors.JOSEError) return REASON_BY_CODE[error.code] ?? 'verification failed';
  return 'verification failed';
}

function identifier(value: unknown, claim: string): string {
  if (value === undefined) throw new AuthenticationError(`no ${claim} claim`);
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new AuthenticationError(`invalid ${claim} claim`);
  }
  return value;
}

/** Roles come as an array of strings or one space-separated string; unknown ones are dropped. */
function knownRoles(value: unknown, claim: string): Role[] {
  const listed = typeof value === 'string' ? value.split(' ') : (value ?? []);
  if (!Array.isArray(listed)) throw new AuthenticationError(`invalid ${claim} claim`);
  return [...new Set(listed.filter(isRole))];
}

function toPrincipal(payload: JWTPayload, options: VerifierOptions): Principal {
  return Object.freeze({
    personId: identifier(payload[options.personClaim], options.personClaim),
    organisationId: identifier(payload[options.organisationClaim], options.organisationClaim),
    roles: Object.freeze(knownRoles(payload[options.rolesClaim], options.rolesClaim)),
  });
}
