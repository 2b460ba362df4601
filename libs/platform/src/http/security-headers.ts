import type { CorsOptions } from '@nestjs/common/internal';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Helmet's defaults (CSP, nosniff, frame-ancestors 'none'...). Swagger UI at /docs works
 * under them: its scripts are same-origin files and its styles inline, which the default
 * `style-src` allows. `upgrade-insecure-requests` is left out: it would make browsers fetch the
 * docs' assets over https from a server listening on plain http (local runs, behind a proxy).
 * HSTS is sent only on answers that reach the client over HTTPS (see `hstsOverHttps`).
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
      strictTransportSecurity: false,
    }),
    hstsOverHttps(),
  ];
}

/**
 * `Strict-Transport-Security` when the request came over TLS: to this server directly, or to a
 * proxy that says so in `X-Forwarded-Proto` and is trusted (`trust proxy`, TRUST_PROXY). Express's
 * `req.secure` answers exactly that; an untrusted client's `X-Forwarded-Proto` is ignored. On plain
 * http the header means nothing to browsers (RFC 6797 §8.1) and only misleads.
 */
export function hstsOverHttps(): RequestHandler {
  const hsts = helmet.strictTransportSecurity();
  return (request: Request, response: Response, next: NextFunction) =>
    request.secure ? hsts(request, response, next) : next();
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
