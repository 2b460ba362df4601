import { AuthenticationSettingsError } from './errors.js';

const DISCOVERY_TIMEOUT_MS = 5000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Keys must come over TLS; plain HTTP is tolerated on the loopback interface only (tests, local IdPs). */
function requireSecure(url: URL, what: string): URL {
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new AuthenticationSettingsError(`${what} must be an https URL: ${url.href}`);
  }
  return url;
}

function parseUrl(value: string, what: string): URL {
  try {
    return requireSecure(new URL(value), what);
  } catch (error) {
    if (error instanceof AuthenticationSettingsError) throw error;
    throw new AuthenticationSettingsError(`${what} is not a URL: ${value}`);
  }
}

async function fetchDocument(url: URL, fetchImpl: typeof fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      redirect: 'manual',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new AuthenticationSettingsError(`OpenID discovery at ${url.href} failed`, { cause });
  }
  if (response.status !== 200) {
    throw new AuthenticationSettingsError(
      `OpenID discovery at ${url.href} answered HTTP ${response.status}`,
    );
  }
  return response.json().catch((cause: unknown) => {
    throw new AuthenticationSettingsError(`OpenID discovery at ${url.href} is not JSON`, { cause });
  });
}

/**
 * Finds an OpenID provider's key set through its discovery document. The document must name the
 * configured issuer exactly (OpenID Connect Discovery 1.0, section 4.3), or a look-alike could
 * hand out keys for someone else's tokens.
 */
export async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<URL> {
  const base = parseUrl(issuer, 'The issuer').href.replace(/\/+$/, '');
  const url = new URL(`${base}/.well-known/openid-configuration`);
  const document = await fetchDocument(url, fetchImpl);
  const { issuer: named, jwks_uri: jwksUri } = (document ?? {}) as Record<string, unknown>;
  if (named !== issuer) {
    throw new AuthenticationSettingsError(
      `OpenID discovery at ${url.href} names the issuer ${JSON.stringify(named)}, not ${JSON.stringify(issuer)}`,
    );
  }
  if (typeof jwksUri !== 'string') {
    throw new AuthenticationSettingsError(`OpenID discovery at ${url.href} has no jwks_uri`);
  }
  return parseUrl(jwksUri, 'The jwks_uri');
}
