import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DatabaseOutages } from './database/database-outages.js';
import { typeOrmPool } from './database/typeorm-pool.js';
import { LoggerModule } from 'nestjs-pino';
import { type Env, validateEnv } from './config/env.js';
import { HealthController } from './observability/health.controller.js';
import { loggingParams } from './observability/logging.js';
import { MetricsController } from './observability/metrics.controller.js';

/** Configuration, logging, health, metrics and database outage tracking: what every deployable needs. */
@Global()
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
  providers: [
    {
      provide: DatabaseOutages,
      useFactory: (dataSource: DataSource) => new DatabaseOutages(typeOrmPool(dataSource)),
      inject: [getDataSourceToken()],
    },
  ],
  exports: [DatabaseOutages],
})
export class PlatformModule {}
