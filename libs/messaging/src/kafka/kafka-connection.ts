import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type ITopicMetadata,
  type LogEntry,
} from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Partitions of each topic created at start (default 6). */
  partitions?: number;
  /** Replicas of each topic; default min(3, brokers in the cluster). */
  replicationFactor?: number;
  /**
   * Partitions each projection's consumer applies at the same time, each holding a database
   * connection meanwhile (default 3).
   */
  consumerConcurrency?: number;
  /** Longest time the broker holds a consumer's fetch while no message is there (default 100 ms). */
  fetchMaxWaitMs?: number;
  /** How often consumers commit their applied offsets to Kafka (default 1000 ms). */
  offsetCommitIntervalMs?: number;
  /** Where kafkajs logs go (default: nowhere). */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: object) => void;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(settings: KafkaSettings): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const log = settings.log;
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: log ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      log?.(LEVELS[entry.level] ?? 'info', `kafka ${entry.namespace}: ${message}`, extra);
    },
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 5000 },
  });
}

/**
 * Creates the topics that do not exist yet, with the configured partitions and replication.
 * Existing topics are left as they are (partitions can only grow, and only by an operator).
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: Pick<KafkaSettings, 'partitions' | 'replicationFactor'>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    const replicationFactor = settings.replicationFactor ?? (await defaultReplication(admin));
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: settings.partitions ?? 6,
        replicationFactor,
        configEntries: [
          { name: 'min.insync.replicas', value: String(Math.max(1, replicationFactor - 1)) },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

async function defaultReplication(admin: Admin): Promise<number> {
  const { brokers } = await admin.describeCluster();
  return Math.min(3, brokers.length);
}

/** Partition count per topic, for choosing a message's partition the way the producer would. */
export async function partitionCounts(
  kafka: Kafka,
  topics: readonly string[],
): Promise<Map<string, ITopicMetadata>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
    return new Map(metadata.map((topic) => [topic.name, topic]));
  } finally {
    await admin.disconnect();
  }
}

/** The partitioner kafkajs uses by default (Java client compatible murmur2 of the key). */
export const choosePartition = Partitioners.DefaultPartitioner();
