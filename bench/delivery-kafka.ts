import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allTopics, createKafka, ensureTopics } from '@soc/messaging';
import type { Kafka } from 'kafkajs';

/** What test/kafka/kafka-broker.mjs exports that the bench uses. */
interface KafkaBrokerModule {
  startKafkaBroker(options: { dataDir: string }): Promise<{
    brokers: string;
    port: number;
    stop(): Promise<void>;
  }>;
}

export interface BenchKafka {
  /** Where the broker is: "KAFKA_BROKERS" or "single-node Kafka 4.x (KRaft, java), port N". */
  readonly description: string;
  readonly brokers: string[];
  /** Stops the broker if the bench started it. */
  close(): Promise<void>;
}

/** The Kafka version the test harness fetched (`.cache/kafka/<version>`), for the report. */
function cachedKafkaVersion(): string {
  try {
    return (
      readdirSync(new URL('../../.cache/kafka/', import.meta.url))
        .sort()
        .at(-1) ?? '?'
    );
  } catch {
    return '?';
  }
}

/**
 * KAFKA_BROKERS when set; otherwise a real single-node broker started with `java` in a temporary
 * folder by the test harness's helper (jars fetched once by `mvn` into .cache/kafka).
 */
export async function openKafka(): Promise<BenchKafka> {
  if (process.env.KAFKA_BROKERS) {
    return {
      description: 'KAFKA_BROKERS',
      brokers: process.env.KAFKA_BROKERS.split(','),
      close: async () => undefined,
    };
  }
  // Loaded from the sources at run time (the build leaves test/ out): dist/bench/ -> test/kafka/.
  const helper = new URL('../../test/kafka/kafka-broker.mjs', import.meta.url);
  const { startKafkaBroker } = (await import(helper.href)) as KafkaBrokerModule;
  const dir = mkdtempSync(join(tmpdir(), 'soc-bench-kafka-'));
  try {
    const broker = await startKafkaBroker({ dataDir: dir });
    return {
      description: `single-node Kafka ${cachedKafkaVersion()} (KRaft, java), port ${broker.port}`,
      brokers: [broker.brokers],
      close: async () => {
        await broker.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface BenchTopics {
  readonly kafka: Kafka;
  /** A prefix of this run's own, so that a shared broker's old messages are never read. */
  readonly prefix: string;
  readonly events: string[];
  /** Deletes this run's topics (they only matter on a broker the bench did not start). */
  drop(): Promise<void>;
}

/**
 * Creates topics, trying again when the broker was too slow to elect their leaders in time (a
 * busy machine): topics that exist by then are left alone.
 */
export async function createTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(kafka, topics, { partitions: 6, replicationFactor: 1 });
      return;
    } catch (error) {
      if (attempt >= 5 || !(error as { retriable?: boolean }).retriable) throw error;
      await sleep(1000 * attempt);
    }
  }
}

/** Creates this run's topics: every event topic and its dead-letter twin, 6 partitions each. */
export async function createBenchTopics(brokers: string[]): Promise<BenchTopics> {
  const kafka = createKafka({ brokers, clientId: 'delivery-bench' });
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const topics = allTopics(prefix);
  await createTopics(kafka, [...topics.events, ...topics.deadLetters]);
  return {
    kafka,
    prefix,
    events: topics.events,
    async drop() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [...topics.events, ...topics.deadLetters] });
      } finally {
        await admin.disconnect();
      }
    },
  };
}
