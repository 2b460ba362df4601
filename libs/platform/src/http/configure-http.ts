import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bodyChecks, noteInvalidUtf8 } from './body-checks.js';
import { DatabaseOutages } from '../database/database-outages.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { corsOptions, securityHeaders } from './security-headers.js';
import { validationPipe } from './validation.js';

export interface HttpSettings {
  readonly title: string;
  readonly description: string;
  readonly version: string;
  readonly bodyLimit?: string;
  /** Browser origins allowed to call the API (see `corsOriginsOf`); none: no CORS headers at all. */
  readonly corsOrigins?: readonly string[];
  /**
   * Express's `trust proxy`: which proxies' X-Forwarded-For and X-Forwarded-Proto to believe, so
   * that limits per client address see clients and not the load balancer, and HSTS is sent when
   * the client reached the proxy over HTTPS (see `trustProxyOf`). Unset: none.
   */
  readonly trustProxy?: number | readonly string[];
}

/** The application's outage tracker, if it has a database (PlatformModule provides one). */
function databaseOutagesOf(app: INestApplication): DatabaseOutages | undefined {
  try {
    return app.get(DatabaseOutages, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * The HTTP conventions every deployable shares: security headers, CORS, limits (a body's size,
 * depth and text are checked as soon as it is parsed), validation, problem details, OpenAPI
 * (Swagger UI at /docs, the document at /docs-json).
 */
export function configureHttp(app: INestApplication, settings: HttpSettings): void {
  const express = app as NestExpressApplication;
  // Nest's options type leaves `verify` out for its rawBody option, which is not used here.
  const verify: object = { verify: noteInvalidUtf8 };
  express.useBodyParser('json', {
    limit: settings.bodyLimit ?? '1mb',
    type: ['application/json', 'application/*+json'],
    ...verify,
  });
  // Nest would add the form parser at init, after the checks; added here, it comes before them.
  express.useBodyParser('urlencoded', { extended: true, ...verify });
  express.use(bodyChecks());
  express.disable('x-powered-by');
  if (settings.trustProxy !== undefined) express.set('trust proxy', settings.trustProxy);
  express.use(securityHeaders());
  if (settings.corsOrigins?.length) app.enableCors(corsOptions(settings.corsOrigins));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(databaseOutagesOf(app)));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(settings.title)
      .setDescription(settings.description)
      .setVersion(settings.version)
      .addBearerAuth()
      .build(),
  );
  // Nest's convention: the UI at /docs, the document at /docs-json (and /docs-yaml).
  SwaggerModule.setup('docs', app, document);
  // The document's first address, kept for the clients that already use it.
  SwaggerModule.setup('docs', app, document, {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: 'docs/openapi.json',
  });
}
