import 'reflect-metadata';
import { realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  configureHttp,
  corsOriginsOf,
  EmbeddedPostgresError,
  type Env,
  InvalidEnvironmentError,
  resolveDatabase,
  type SupervisionEvent,
  trustProxyOf,
  validateEnv,
} from '@soc/platform';
import { Logger, PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';
import { StandaloneModule } from './standalone.module.js';

/**
 * On SIGTERM or SIGINT: the application first (its sealer, relay and feeds stop, its pools
 * close), then the embedded PostgreSQL (if this process started or adopted it).
 */
function stopInOrder(app: INestApplication, database: { stop(): Promise<void> }): void {
  const stop = async () => {
    let code = 0;
    await app.close().catch((error: unknown) => {
      process.stderr.write(`shutdown: ${(error as Error)?.stack ?? String(error)}\n`);
      code = 1;
    });
    await database.stop().catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void stop());
  }
}

/** Before the application's logger is in place these go to Nest's console logger. */
function logDatabaseEvent({ level, message }: SupervisionEvent): void {
  const logger = new NestLogger('EmbeddedPostgres');
  if (level === 'warn') logger.warn(message);
  else if (level === 'debug') logger.debug(message);
  else logger.log(message);
}

/**
 * pino writes its lines asynchronously, in order, to the same descriptor as stdout: the banner
 * joins that queue so that it comes after the lines about the start, not among the first.
 */
function printAfterLogs(text: string): void {
  const stream = (PinoLogger.root as unknown as Record<symbol, unknown> | undefined)?.[
    pino.symbols.streamSym
  ] as { write?: (text: string) => unknown } | undefined;
  if (typeof stream?.write === 'function') stream.write(text);
  else process.stdout.write(text);
}

/** Where to go, with the port actually bound (PORT=0 picks one). */
function banner(app: INestApplication, host: string, databaseDescription: string): string {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return (
    `\nSOC partnership backend is running (${databaseDescription})\n` +
    `  API       ${base}\n  API docs  ${base}/docs (OpenAPI document: ${base}/docs-json)\n` +
    `  health    ${base}/health\n  metrics   ${base}/metrics\n\n`
  );
}

export interface Standalone {
  readonly app: INestApplication;
  readonly database: { stop(): Promise<void> };
}

/**
 * Starts the application and, once it is listening (every route mapped and the port bound),
 * prints where to go.
 */
export async function startStandalone(
  env: Env,
  print: (text: string) => void = printAfterLogs,
): Promise<Standalone> {
  const database = await resolveDatabase(env, { owner: 'application', onEvent: logDatabaseEvent });

  const app = await NestFactory.create(StandaloneModule.forRoot(env, database.url), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app, {
    title: 'SOC partnership API',
    description:
      'Multi-agency serious and organised crime partnership work: threats, plans, meetings, referrals, audit',
    version: process.env.npm_package_version ?? 'dev',
    corsOrigins: corsOriginsOf(env),
    trustProxy: trustProxyOf(env),
  });
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  print(banner(app, env.HOST, database.description));
  return { app, database };
}

async function main(): Promise<void> {
  const { app, database } = await startStandalone(validateEnv(process.env));
  stopInOrder(app, database);
}

const isEntryPoint =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;

if (isEntryPoint) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof InvalidEnvironmentError || error instanceof EmbeddedPostgresError ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
    );
    process.exit(1);
  });
}
