import type { CorsOptions } from '@nestjs/common/internal';
import helmet from 'helmet';

/**
 * Helmet's defaults (CSP, HSTS, nosniff, frame-ancestors 'none'...). Swagger UI at /docs works
 * under them: its scripts are same-origin files and its styles inline, which the default
 * `style-src` allows. `upgrade-insecure-requests` is left out: it would make browsers fetch the
 * docs' assets over https from a server listening on plain http (local runs, behind a proxy).
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
}

/** Cross-origin calls from these exact origins only; bearer tokens, so no credentials mode. */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['Location', 'ETag', 'Retry-After', 'Idempotent-Replayed', 'X-Request-Id'],
    maxAge: 600,
  };
}
