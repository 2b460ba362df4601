import { allEventContracts } from '@soc/contracts';
import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DatabaseOutages, reportingOutages } from '@soc/platform';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { EventStore, type EventStoreOptions } from './event-store.js';
import { EventTypeRegistry } from './event-type-registry.js';
import { GlobalLogSealer } from './global-log-sealer.js';
import { IntegrityVerifier } from './integrity.js';

export const EVENT_STORE_POOL = Symbol('EVENT_STORE_POOL');
export const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');

/** The pg pool under TypeORM's DataSource: appends go straight to it, one statement each. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

class SealerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(GlobalLogSealer) private readonly sealer: GlobalLogSealer) {}

  onApplicationBootstrap(): void {
    this.sealer.start();
    this.lagTimer = setInterval(() => void this.sealer.measureLag().catch(() => undefined), 5000);
    this.lagTimer.unref();
  }

  /** Before the database pool closes: the sealer holds a connection of its own (its lease). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.sealer.stop();
  }
}

@Module({})
export class EventStoreModule {
  /** Needs a TypeORM DataSource whose migrations include `eventStoreMigrations`. */
  static forRoot(options: EventStoreOptions = {}): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        { provide: EVENT_STORE_OPTIONS, useValue: options },
        { provide: EVENT_STORE_POOL, useFactory: poolOf, inject: [getDataSourceToken()] },
        { provide: EventTypeRegistry, useValue: new EventTypeRegistry(allEventContracts) },
        {
          provide: GlobalLogSealer,
          useFactory: (pool: Pool, outages?: DatabaseOutages) => {
            const logger = new Logger(GlobalLogSealer.name);
            return new GlobalLogSealer(pool, {
              onError: reportingOutages(outages, 'sealer', (error) =>
                logger.warn(error, 'sealing failed; retrying'),
              ),
            });
          },
          inject: [EVENT_STORE_POOL, { token: DatabaseOutages, optional: true }],
        },
        {
          provide: EventStore,
          useFactory: (pool: Pool, registry: EventTypeRegistry, sealer: GlobalLogSealer) =>
            new EventStore(pool, registry, sealer, options),
          inject: [EVENT_STORE_POOL, EventTypeRegistry, GlobalLogSealer],
        },
        {
          provide: IntegrityVerifier,
          useFactory: (pool: Pool) => new IntegrityVerifier(pool),
          inject: [EVENT_STORE_POOL],
        },
        SealerLifecycle,
      ],
      exports: [
        EventStore,
        IntegrityVerifier,
        GlobalLogSealer,
        EventTypeRegistry,
        EVENT_STORE_POOL,
      ],
    };
  }
}
