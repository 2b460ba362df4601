import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule, organisationDirectoryProjection } from '@soc/directory';
import { EventStoreModule, eventStoreMigrations } from '@soc/event-store';
import { DeliveryModule, deliveryMigrations } from '@soc/messaging';
import { databaseOptions, type Env, PlatformModule } from '@soc/platform';

/** Every context in one process, over one PostgreSQL. */
@Module({})
export class StandaloneModule {
  static forRoot(env: Env, databaseUrl: string): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule,
        CqrsModule.forRoot(),
        TypeOrmModule.forRoot(
          databaseOptions({
            url: databaseUrl,
            poolSize: env.DATABASE_POOL_SIZE,
            idleInTransactionTimeoutMs: env.IDLE_IN_TRANSACTION_TIMEOUT_MS,
            migrations: [...eventStoreMigrations, ...deliveryMigrations],
          }),
        ),
        EventStoreModule.forRoot({
          maxPayloadBytes: env.EVENT_MAX_PAYLOAD_BYTES,
          positionWaitMs: env.POSITION_WAIT_MS,
        }),
        DeliveryModule.forRoot({
          projections: [organisationDirectoryProjection],
          kafka: env.KAFKA_BROKERS
            ? {
                brokers: env.KAFKA_BROKERS.split(','),
                clientId: env.KAFKA_CLIENT_ID,
                topicPrefix: env.KAFKA_TOPIC_PREFIX,
                partitions: env.KAFKA_TOPIC_PARTITIONS,
                replicationFactor: env.KAFKA_REPLICATION_FACTOR,
              }
            : undefined,
        }),
        DirectoryModule,
      ],
    };
  }
}
