import 'reflect-metadata';
import { type INestApplication, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  configureHttp,
  corsOriginsOf,
  EmbeddedPostgresError,
  InvalidEnvironmentError,
  resolveDatabase,
  type SupervisionEvent,
  trustProxyOf,
  validateEnv,
} from '@soc/platform';
import { Logger } from 'nestjs-pino';
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

async function bootstrap(): Promise<void> {
  const env = validateEnv(process.env);
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

  const base = `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
  process.stdout.write(
    `\nSOC partnership backend is running (${database.description})\n` +
      `  API docs  ${base}/docs\n  health    ${base}/health\n  metrics   ${base}/metrics\n\n`,
  );
  stopInOrder(app, database);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof InvalidEnvironmentError || error instanceof EmbeddedPostgresError ? error.message : ((error as Error)?.stack ?? String(error))}\n`,
  );
  process.exit(1);
});
