import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { typeOrmPool } from '../../database/typeorm-pool.js';
import type { IdempotencyKeyOptions } from './idempotency-keys.js';
import {
  IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_POOL,
  IdempotencyInterceptor,
} from './idempotency.interceptor.js';

export interface IdempotencyModuleOptions extends IdempotencyKeyOptions {
  /** Where `api.idempotency_keys` lives; by default the pool under TypeORM's DataSource. */
  readonly pool?: Pool;
}

function poolProvider(pool: Pool | undefined): Provider {
  return pool
    ? { provide: IDEMPOTENCY_POOL, useValue: pool }
    : { provide: IDEMPOTENCY_POOL, useFactory: typeOrmPool, inject: [getDataSourceToken()] };
}

/**
 * `Idempotency-Key` on every command route. The database's migrations must include
 * `platformMigrations`.
 */
@Module({})
export class IdempotencyModule {
  static forRoot({ pool, ...options }: IdempotencyModuleOptions = {}): DynamicModule {
    return {
      module: IdempotencyModule,
      providers: [
        poolProvider(pool),
        { provide: IDEMPOTENCY_OPTIONS, useValue: options },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
