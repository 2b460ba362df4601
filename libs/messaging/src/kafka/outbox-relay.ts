import { type EventStore, LeaderLease, type RecordedEvent, Wakeup } from '@soc/event-store';
import type { ITopicMetadata, Kafka, Message, Producer, ProducerConfig } from 'kafkajs';
import type { Pool } from 'pg';
import { relayFailuresTotal, relayLagEvents, relayPublishedTotal } from '../delivery.metrics.js';
import { toMessage } from '../messages.js';
import { choosePartition, partitionCounts } from './kafka-connection.js';

/** Advisory lock key of the relay's lease: one publisher at a time. */
const RELAY_LOCK = 0x50c4e1a;

export interface RelayOptions {
  /** Events read from the log and published at once (default 500). */
  batchSize?: number;
  /** How long to wait for new events when the sealer says nothing (default 100 ms). */
  idleMs?: number;
  /** Namespace of the topic names (default `soc`). */
  topicPrefix?: string;
  /** Longest pause between attempts while Kafka is unreachable (default 30 s). */
  maxBackoffMs?: number;
  onError?: (error: unknown) => void;
}

export type RelayState = 'starting' | 'publishing' | 'degraded' | 'standby' | 'stopped';

export interface RelayStatus {
  state: RelayState;
  /** Newest position published to Kafka (as this instance last saw it). */
  publishedPosition: number;
  lastError: string | null;
  degradedSince: string | null;
}

/**
 * Publishes the global log to Kafka: the log itself is the outbox. Events go out in global order,
 * keyed by stream id (one stream, one partition, its order kept), and the published position is
 * recorded after Kafka acknowledged them from every in-sync replica. A relay that dies between
 * the two publishes those events again: consumers recognise them by global position. While Kafka
 * is down nothing is lost: appends go on, the relay backs off and catches up when it returns.
 */
export class OutboxRelay {
  /** How the relay's producer is configured (the bench's transport floor uses the same). */
  static readonly producerConfig: ProducerConfig = {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  };

  private readonly lease: LeaderLease;
  private producer: Producer | null = null;
  private partitions = new Map<string, ITopicMetadata>();
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  private stopListening: (() => void) | null = null;
  /** Newest sealed position the sealer announced. */
  private sealed = 0;
  /**
   * The published position as this instance last read or wrote it while leading; null when it
   * must be read again (after a start, a failure, or leadership regained).
   */
  private published: number | null = null;
  private status: RelayStatus = {
    state: 'starting',
    publishedPosition: 0,
    lastError: null,
    degradedSince: null,
  };

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly kafka: Kafka,
    private readonly topics: readonly string[],
    private readonly options: RelayOptions = {},
  ) {
    this.lease = new LeaderLease(pool, RELAY_LOCK);
  }

  get current(): RelayStatus {
    return { ...this.status };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.published = null;
    this.sealed = 0;
    // Woken only by news: the sealer also repeats the newest position when it sealed nothing.
    this.stopListening = this.store.sealer.onSealed((position) => {
      if (position <= this.sealed) return;
      this.sealed = position;
      this.wakeup.wake();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopListening?.();
    this.wakeup.wake();
    await this.loop;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
    await this.lease.release();
    this.status.state = 'stopped';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        const leading = this.lease.held;
        if (!(await this.lease.tryAcquire())) {
          this.status.state = 'standby';
          await this.wakeup.sleep(500);
          continue;
        }
        if (!leading) this.published = null;
        published = await this.publishOnce();
        if (failures > 0 || this.status.state !== 'publishing') {
          this.status = {
            ...this.status,
            state: 'publishing',
            lastError: null,
            degradedSince: null,
          };
        }
        failures = 0;
      } catch (error) {
        failures++;
        this.published = null;
        relayFailuresTotal.inc();
        await this.dropProducer();
        this.status = {
          ...this.status,
          state: 'degraded',
          lastError: error instanceof Error ? error.message : String(error),
          degradedSince: this.status.degradedSince ?? new Date().toISOString(),
        };
        this.options.onError?.(error);
      }
      // A short batch took everything sealed when it was read; anything sealed since has woken
      // the relay already (a wake while busy cuts the next sleep), so no empty read in between.
      if (this.running && (failures > 0 || published < this.batchSize)) {
        const idle = this.options.idleMs ?? 100;
        const backoff = Math.min(this.options.maxBackoffMs ?? 30_000, 250 * 2 ** (failures - 1));
        await this.wakeup.sleep(failures > 0 ? backoff : idle);
      }
    }
  }

  /** Publishes the next batch of the log; returns how many events went out. */
  async publishOnce(): Promise<number> {
    const after = this.published ?? (await this.readPublished());
    this.status.publishedPosition = after;
    const events = await this.store.readAll({ after, limit: this.batchSize });
    await this.measureLag(after, events);
    if (events.length === 0) return 0;
    const producer = await this.connectedProducer();
    const outgoing = events.map((event) => this.routed(event));
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of outgoing) {
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    const newest = events[events.length - 1].globalPosition!;
    this.published = null; // unknown until recorded: another relay may have moved it
    await this.record(after, newest, outgoing);
    this.published = newest;
    relayPublishedTotal.inc(events.length);
    this.status.publishedPosition = newest;
    return events.length;
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 500;
  }

  private async readPublished(): Promise<number> {
    const { rows } = await this.pool.query<{ global_position: string }>(
      'SELECT global_position FROM delivery.relay_position',
    );
    return Number(rows[0].global_position);
  }

  private routed(event: RecordedEvent): {
    topic: string;
    partition: number;
    position: number;
    message: Message;
  } {
    const { topic, key, value, headers } = toMessage(event, this.options.topicPrefix);
    const metadata = this.partitions.get(topic);
    if (!metadata)
      throw new Error(`Topic ${topic} does not exist (declared topics: ${this.topics.join(', ')})`);
    const message: Message = { key, value, headers };
    const partition = choosePartition({ topic, partitionMetadata: metadata.partitions, message });
    return {
      topic,
      partition,
      position: event.globalPosition!,
      message: { ...message, partition },
    };
  }

  /** Moves the published position (only from where it was read) and each partition's newest position. */
  private async record(
    after: number,
    newest: number,
    outgoing: { topic: string; partition: number; position: number }[],
  ): Promise<void> {
    const partitions = new Map<string, { topic: string; partition: number; position: number }>();
    for (const item of outgoing) partitions.set(`${item.topic}/${item.partition}`, item);
    const latest = [...partitions.values()];
    const { rowCount } = await this.pool.query(
      `WITH moved AS (
         UPDATE delivery.relay_position SET global_position = $2, published_at = now()
          WHERE global_position = $1 RETURNING 1)
       INSERT INTO delivery.published_offsets (topic, partition, global_position)
       SELECT topic, partition, position
         FROM unnest($3::text[], $4::int[], $5::bigint[]) AS t(topic, partition, position)
        WHERE EXISTS (SELECT 1 FROM moved)
       ON CONFLICT (topic, partition) DO UPDATE
         SET global_position = greatest(delivery.published_offsets.global_position, excluded.global_position)`,
      [
        after,
        newest,
        latest.map((l) => l.topic),
        latest.map((l) => l.partition),
        latest.map((l) => l.position),
      ],
    );
    if (rowCount === 0 && latest.length > 0) {
      throw new Error('Another relay moved the published position meanwhile; re-reading it');
    }
  }

  /** The lag gauge, from the sealer's last announcement when it has made one (no query). */
  private async measureLag(after: number, batch: readonly RecordedEvent[]): Promise<void> {
    const newest = batch.at(-1)?.globalPosition ?? after;
    const head =
      batch.length === 0
        ? after
        : Math.max(newest, this.sealed > 0 ? this.sealed : await this.store.headPosition());
    relayLagEvents.set(Math.max(0, head - after));
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.partitions = await partitionCounts(this.kafka, this.topics);
    const producer = this.kafka.producer(OutboxRelay.producerConfig);
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}
