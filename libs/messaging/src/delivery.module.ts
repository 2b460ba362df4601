import {
  type DynamicModule,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EVENT_STORE_POOL, EventStore, EventTypeRegistry } from '@soc/event-store';
import { DatabaseOutages, HEALTH_CHECKS, reportingOutages } from '@soc/platform';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createKafka, ensureTopics, type KafkaSettings } from './kafka/kafka-connection.js';
import { deadLetterPublisher, KafkaFeed, topicsOf } from './kafka/kafka-feed.js';
import {
  type ConsistencyQuery,
  DEFAULT_CONSISTENCY_WAIT_MS,
} from './projections/consistency.query.js';
import { PositionWaitTimeoutError, waitForPosition } from './projections/projection-positions.js';
import { OutboxRelay } from './kafka/outbox-relay.js';
import { EventStoreFeed } from './projections/event-store-feed.js';
import { ensureProjection } from './projections/generations.js';
import type { Projection } from './projections/projection.js';
import { rebuildIfReshaped } from './projections/rebuild.js';
import { type ApplierOptions, ProjectionApplier } from './projections/projection-applier.js';
import { allTopics } from './topics.js';

export interface DeliverySettings {
  projections: readonly Projection[];
  /** Kafka, or none: then projections are fed in process straight from the event store. */
  kafka?: KafkaSettings & { topicPrefix?: string };
}

interface DeliveryOptions extends DeliverySettings {
  /** The pool the event store uses. */
  pool: Pool;
}

/** Runs the relay (with Kafka) and one feed per projection for the life of the application. */
export class DeliveryRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Delivery');
  private relay: OutboxRelay | null = null;
  private readonly stops: Array<() => Promise<void>> = [];
  private starting: Promise<void> | null = null;
  private running = true;

  constructor(
    private readonly options: DeliveryOptions,
    private readonly store: EventStore,
    private readonly registry: EventTypeRegistry,
    private readonly outages?: DatabaseOutages,
  ) {}

  /** Logs a failure of a background part, except database outages (told to `outages`, once). */
  private failureLog(component: string, message: string) {
    return reportingOutages(this.outages, component, (error) => this.logger.warn(error, message));
  }

  get mode(): 'kafka' | 'embedded' {
    return this.options.kafka ? 'kafka' : 'embedded';
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const projection of this.options.projections) {
      await ensureProjection(this.options.pool, projection);
      await this.rebuildIfReshaped(projection);
    }
    if (!this.options.kafka) {
      for (const projection of this.options.projections) {
        const feed = new EventStoreFeed(this.options.pool, this.store, this.applier(projection), {
          onError: this.failureLog(
            `feed:${projection.name}`,
            `projection ${projection.name} failed`,
          ),
        });
        feed.start();
        this.stops.push(() => feed.stop());
      }
      return;
    }
    const settings = this.options.kafka;
    const kafka = createKafka({
      ...settings,
      log: (level, message, extra) => this.logger[level === 'info' ? 'log' : level](extra, message),
    });
    const topics = allTopics(settings.topicPrefix);
    this.relay = new OutboxRelay(this.options.pool, this.store, kafka, topics.events, {
      topicPrefix: settings.topicPrefix,
      onError: this.failureLog('relay', 'relay cannot publish; backing off'),
    });
    // Kafka may be down at start: commands work regardless, and Kafka parts connect when it is back.
    this.starting = this.startKafkaParts(kafka, settings, topics);
  }

  /** A deployment whose projection changed shape rebuilds it before serving from it. */
  private async rebuildIfReshaped(projection: Projection): Promise<void> {
    const { pool } = this.options;
    let logged = 0;
    const result = await rebuildIfReshaped(pool, this.store, projection, {
      onProgress: ({ applied, head }) => {
        if (applied - logged < 100_000) return;
        logged = applied;
        this.logger.log(`rebuilding ${projection.name}: ${applied} of ${head} events`);
      },
    });
    if (result) {
      this.logger.log(
        { projection: projection.name, ...result },
        `projection ${projection.name} changed shape: rebuilt generation ${result.generation} from ${result.events} events`,
      );
    }
  }

  private async startKafkaParts(
    kafka: Kafka,
    settings: NonNullable<DeliverySettings['kafka']>,
    topics: { events: string[]; deadLetters: string[] },
  ): Promise<void> {
    for (let attempt = 1; this.running; attempt++) {
      try {
        await ensureTopics(kafka, [...topics.events, ...topics.deadLetters], settings);
        break;
      } catch (error) {
        this.logger.warn(error, `cannot create Kafka topics (attempt ${attempt}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** attempt)));
      }
    }
    if (!this.running) return;
    this.relay!.start();
    this.stops.push(() => this.relay!.stop());
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    this.stops.push(() => producer.disconnect());
    for (const projection of this.options.projections) {
      const feed = new KafkaFeed(kafka, this.applier(projection, deadLetterPublisher(producer)), {
        topicPrefix: settings.topicPrefix,
        concurrency: settings.consumerConcurrency ?? 3,
        maxWaitMs: settings.fetchMaxWaitMs,
        commitIntervalMs: settings.offsetCommitIntervalMs,
        onError: this.failureLog(
          `consumer:${projection.name}`,
          `projection ${projection.name} consumer failed`,
        ),
      });
      await feed.start();
      this.stops.push(() => feed.stop());
    }
  }

  private applier(projection: Projection, onDeadLetter?: ApplierOptions['onDeadLetter']) {
    return new ProjectionApplier(this.options.pool, projection, this.registry, {
      onDeadLetter,
      onError: (error, context) =>
        this.logger.warn(error, `projection ${projection.name}: ${context}`),
    });
  }

  /**
   * Waits, bounded, until a projection has applied everything up to a global position
   * (read-your-writes); throws PositionWaitTimeoutError (HTTP 503) when it has not in time.
   */
  async waitFor(
    projection: string,
    position: number,
    timeoutMs = DEFAULT_CONSISTENCY_WAIT_MS,
  ): Promise<void> {
    const handles = this.options.projections.find((p) => p.name === projection)?.handles;
    if (!handles) throw new Error(`Unknown projection ${projection}`);
    const topics = this.options.kafka ? topicsOf(handles, this.options.kafka.topicPrefix) : [];
    await waitForPosition(this.options.pool, projection, topics, position, timeoutMs);
  }

  /**
   * Read-your-writes: when a query names a `minPosition`, or a `consistencyToken` a command
   * answered with, waits (bounded, `waitMs` in all) for the projection to have applied it.
   */
  async waitForConsistency(
    projection: string,
    { minPosition, consistencyToken, waitMs = DEFAULT_CONSISTENCY_WAIT_MS }: ConsistencyQuery,
  ): Promise<void> {
    if (minPosition === undefined && consistencyToken === undefined) return;
    const started = Date.now();
    let position = minPosition ?? 0;
    if (consistencyToken !== undefined) {
      const sealed = await this.store.positionOfToken(consistencyToken, waitMs);
      if (sealed === null) {
        throw new PositionWaitTimeoutError(projection, null, Date.now() - started);
      }
      position = Math.max(position, sealed);
    }
    await this.waitFor(projection, position, Math.max(0, waitMs - (Date.now() - started)));
  }

  /** Delivery's part of /health: up even when Kafka is unreachable (degraded), with the details. */
  health() {
    const relay = this.relay?.current;
    const state = this.mode === 'embedded' ? 'in-process' : (relay?.state ?? 'starting');
    return {
      delivery: {
        status: 'up' as const,
        mode: this.mode,
        state,
        ...(relay
          ? {
              publishedPosition: relay.publishedPosition,
              lastError: relay.lastError,
              degradedSince: relay.degradedSince,
            }
          : {}),
      },
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    await this.starting?.catch(() => undefined);
    for (const stop of this.stops.reverse()) await stop().catch(() => undefined);
  }
}

const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

@Module({})
export class DeliveryModule {
  static forRoot(settings: DeliverySettings): DynamicModule {
    return {
      module: DeliveryModule,
      global: true,
      providers: [
        {
          provide: DELIVERY_OPTIONS,
          useFactory: (pool: Pool): DeliveryOptions => ({ ...settings, pool }),
          inject: [EVENT_STORE_POOL],
        },
        {
          provide: DeliveryRuntime,
          useFactory: (
            o: DeliveryOptions,
            store: EventStore,
            registry: EventTypeRegistry,
            outages?: DatabaseOutages,
          ) => new DeliveryRuntime(o, store, registry, outages),
          inject: [
            DELIVERY_OPTIONS,
            EventStore,
            EventTypeRegistry,
            { token: DatabaseOutages, optional: true },
          ],
        },
        {
          provide: HEALTH_CHECKS,
          useFactory: (runtime: DeliveryRuntime) => [() => runtime.health()],
          inject: [DeliveryRuntime],
        },
      ],
      exports: [DeliveryRuntime, HEALTH_CHECKS],
    };
  }
}
