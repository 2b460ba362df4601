import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryModule } from '@soc/directory';
import { MeetingsModule } from '@soc/meetings';
import { EventStoreModule, eventStoreMigrations } from '@soc/event-store';
import { DeliveryModule, deliveryMigrations } from '@soc/messaging';
import {
  databaseOptions,
  type Env,
  IdempotencyModule,
  PlatformModule,
  platformMigrations,
  RateLimitModule,
} from '@soc/platform';
import { SafeguardingModule } from '@soc/safeguarding';
import { SecurityModule, securityMigrations } from '@soc/security';
import { ThreatsModule } from '@soc/threats';
import { registeredProjections } from './projections.js';

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
            connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
            migrations: [
              ...eventStoreMigrations,
              ...deliveryMigrations,
              ...securityMigrations,
              ...platformMigrations,
            ],
          }),
        ),
        EventStoreModule.forRoot({
          maxPayloadBytes: env.EVENT_MAX_PAYLOAD_BYTES,
          positionWaitMs: env.POSITION_WAIT_MS,
        }),
        DeliveryModule.forRoot({
          projections: registeredProjections,
          kafka: env.KAFKA_BROKERS
            ? {
                brokers: env.KAFKA_BROKERS.split(','),
                clientId: env.KAFKA_CLIENT_ID,
                topicPrefix: env.KAFKA_TOPIC_PREFIX,
                partitions: env.KAFKA_TOPIC_PARTITIONS,
                replicationFactor: env.KAFKA_REPLICATION_FACTOR,
                consumerConcurrency: env.KAFKA_CONSUMER_CONCURRENCY,
                fetchMaxWaitMs: env.KAFKA_FETCH_MAX_WAIT_MS,
                offsetCommitIntervalMs: env.KAFKA_OFFSET_COMMIT_INTERVAL_MS,
              }
            : undefined,
        }),
        SecurityModule.forRoot({
          dataDir: env.DATA_DIR,
          oidcIssuerUrl: env.OIDC_ISSUER_URL,
          audience: env.OIDC_AUDIENCE,
          personClaim: env.OIDC_PERSON_CLAIM,
          organisationClaim: env.OIDC_ORGANISATION_CLAIM,
          rolesClaim: env.OIDC_ROLES_CLAIM,
          masterKey: env.MASTER_KEY,
        }),
        // After security: the limit counts authenticated principals, not just addresses.
        RateLimitModule.forRoot(env),
        IdempotencyModule.forRoot(),
        DirectoryModule,
        ThreatsModule.forRoot({
          staleAfterMonths: env.ASSESSMENT_STALE_AFTER_MONTHS,
          quietAfterWeeks: env.PLAN_QUIET_AFTER_WEEKS,
        }),
        MeetingsModule,
        SafeguardingModule,
      ],
    };
  }
}
