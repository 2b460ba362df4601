import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { type Env, validateEnv } from './config/env.js';
import { HealthController } from './observability/health.controller.js';
import { loggingParams } from './observability/logging.js';
import { MetricsController } from './observability/metrics.controller.js';

/** Configuration, logging, health and metrics: what every deployable needs. */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnv }),
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) => loggingParams(config.get('LOG_LEVEL')),
    }),
    TerminusModule,
  ],
  controllers: [HealthController, MetricsController],
})
export class PlatformModule {}
