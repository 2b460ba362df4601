import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromMessage, HEADER } from '../messages.js';
import type { DeadLetter, FeedItem, ProjectionApplier } from '../projections/projection-applier.js';
import { deadLetterTopicFor, topicFor } from '../topics.js';

/** The consumer group of a projection: one per projection, shared by all its instances. */
export function consumerGroupOf(projection: string, prefix = 'soc'): string {
  return `${prefix}.projection.${projection}`;
}

/** The topics carrying the events a projection handles. */
export function topicsOf(handles: readonly string[], prefix?: string): string[] {
  return [...new Set(handles.map((type) => topicFor(type, prefix)))].sort();
}

export interface KafkaFeedOptions {
  onError?: (error: unknown) => void;
  topicPrefix?: string;
  /** Wait before a consumer that kafkajs gave up on is replaced (default 2 s). */
  restartAfterMs?: number;
  /**
   * Partitions applied at the same time, each batch in its own transaction and connection
   * (default 6, the default partition count). With one, the partitions of a fetch wait for each
   * other, and the next fetch waits for them all.
   */
  concurrency?: number;
  /** Longest time the broker holds a fetch while no message is there (default 100 ms). */
  maxWaitMs?: number;
  /**
   * How often the applied offsets are committed to Kafka (default 1 s). They are only where a
   * consumer starts after a restart or rebalance; the checkpoint in PostgreSQL is what counts, so
   * committing after every batch (kafkajs's auto-commit: one more round trip to the broker per
   * partition batch, on the way to the next fetch) buys nothing.
   */
  commitIntervalMs?: number;
}

/** How long a stopping feed waits for its last commit to Kafka. */
const FINAL_COMMIT_MS = 2000;

/** Kafka errors that only mean the group is rebalancing: the commit is simply made later. */
const REBALANCING = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

/**
 * Feeds a projection from Kafka: each fetched batch of a partition is applied in one PostgreSQL
 * transaction with the partition's offset, several partitions at once. Kafka's committed offsets
 * are a shortcut, committed every `commitIntervalMs` and on stop; the checkpoint in PostgreSQL is
 * what counts, so offsets reset to the start, a commit lost to a crash or a rebalance, or a relay
 * publishing twice change nothing.
 */
export class KafkaFeed {
  private consumer: Consumer | null = null;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastCommit = 0;
  /** Commits what the running consumer applied and has not committed yet (null before its first batch). */
  private commitApplied: (() => Promise<void>) | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly applier: ProjectionApplier,
    private readonly options: KafkaFeedOptions = {},
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const consumer = this.consumer;
    this.consumer = null;
    await this.commit(FINAL_COMMIT_MS);
    this.commitApplied = null;
    await consumer?.disconnect();
  }

  private async run(): Promise<void> {
    const name = this.applier.projection.name;
    const consumer = this.kafka.consumer({
      groupId: consumerGroupOf(name, this.options.topicPrefix),
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 100,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    this.commitApplied = null;
    // kafkajs restarts a crashed consumer only for errors it deems retriable; after any other
    // (seen when a broker comes back) the consumer stays down, so it is replaced here.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.options.onError?.(payload.error);
      if (!payload.restart) this.replaceLater(consumer);
    });
    await consumer.connect();
    if (this.stopped) {
      await consumer.disconnect(); // stopped while a replacement was connecting
      return;
    }
    await consumer.subscribe({
      topics: topicsOf(this.applier.projection.handles, this.options.topicPrefix),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, this.options.concurrency ?? 3),
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        uncommittedOffsets,
        isRunning,
        isStale,
      }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const items = batch.messages.map(toItem);
        await this.applier.applyBatch(batch.topic, batch.partition, items);
        resolveOffset(batch.lastOffset());
        // Explicit offsets go to the group coordinator once, without kafkajs's retries.
        this.commitApplied = async () => {
          const offsets = uncommittedOffsets();
          if (offsets.topics.length > 0) await commitOffsetsIfNecessary(offsets);
        };
        if (Date.now() - this.lastCommit >= (this.options.commitIntervalMs ?? 1000)) {
          await this.commit();
        }
        await heartbeat();
      },
    });
  }

  /** Commits to Kafka the offsets applied and not committed yet (a failure only means later). */
  private async commit(timeoutMs?: number): Promise<void> {
    this.lastCommit = Date.now();
    const commit = this.commitApplied;
    if (!commit) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await (timeoutMs === undefined
        ? commit()
        : Promise.race([
            commit(),
            new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
          ]));
    } catch (error) {
      if (!REBALANCING.has((error as { type?: string }).type ?? '')) this.options.onError?.(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private replaceLater(crashed: Consumer): void {
    if (this.stopped || this.consumer !== crashed || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.replace(crashed);
    }, this.options.restartAfterMs ?? 2000);
  }

  private async replace(crashed: Consumer): Promise<void> {
    if (this.stopped || this.consumer !== crashed) return;
    await crashed.disconnect().catch(() => undefined);
    try {
      await this.run();
    } catch (error) {
      this.options.onError?.(error);
      if (this.consumer) this.replaceLater(this.consumer);
    }
  }
}

function toItem(message: KafkaMessage): FeedItem {
  const raw = () => message.value?.toString('utf8') ?? '';
  try {
    return { position: Number(message.offset), event: fromMessage(message.value), raw };
  } catch (error) {
    return {
      position: Number(message.offset),
      event: null,
      unreadable: (error as Error).message,
      raw,
    };
  }
}

/** Publishes a dead letter to the `.dlq` twin of its topic, with the reason in its headers. */
export function deadLetterPublisher(producer: Producer) {
  return async (letter: DeadLetter): Promise<void> => {
    if (letter.source === 'log') return;
    await producer.send({
      topic: deadLetterTopicFor(letter.source),
      acks: -1,
      messages: [
        {
          key: letter.event?.streamId ?? null,
          value: letter.message,
          headers: {
            'dead-letter-projection': letter.projection,
            'dead-letter-error': letter.error.slice(0, 2000),
            'dead-letter-attempts': String(letter.attempts),
            'original-topic': letter.source,
            'original-partition': String(letter.partition),
            'original-offset': String(letter.position),
            ...(letter.event ? { [HEADER.eventId]: letter.event.eventId } : {}),
          },
        },
      ],
    });
  };
}
