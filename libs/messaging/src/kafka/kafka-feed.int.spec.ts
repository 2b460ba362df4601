import { randomBytes } from 'node:crypto';
import { allEventContracts } from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import { EventTypeRegistry, type EventStore, type GlobalLogSealer } from '@soc/event-store';
import {
  createTestDatabase,
  describeWithKafka,
  eventStoreFor,
  registerOrganisations,
  type TestDatabase,
} from '@soc/testing';
import type { Kafka } from 'kafkajs';
import {
  allTopics,
  consumerGroupOf,
  createKafka,
  ensureProjection,
  ensureTopics,
  KafkaFeed,
  OutboxRelay,
  ProjectionApplier,
  topicsOf,
  waitForPosition,
} from '../index.js';

const brokers = () => {
  const list = process.env.TEST_KAFKA_BROKERS;
  if (!list)
    throw new Error('TEST_KAFKA_BROKERS is not set: run through jest (test/global-setup.mjs)');
  return list.split(',');
};

describeWithKafka('KafkaFeed offsets (real broker, real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let kafka: Kafka;
  const prefix = `f${randomBytes(4).toString('hex')}`;
  const topics = allTopics(prefix);
  const projection = directoryProjection;
  const registry = new EventTypeRegistry(allEventContracts);
  const subscribed = topicsOf(projection.handles, prefix);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    kafka = createKafka({ brokers: brokers(), clientId: 'feed-offsets-test' });
    await ensureTopics(kafka, [...topics.events, ...topics.deadLetters], {
      partitions: 6,
      replicationFactor: 1,
    });
    await ensureProjection(db.pool, projection);
  });
  afterAll(async () => {
    await sealer.stop();
    await db.drop();
  });

  it('applies partitions concurrently, each event once, and commits every applied offset to Kafka by the time it stops', async () => {
    const relay = new OutboxRelay(db.pool, store, kafka, topics.events, { topicPrefix: prefix });
    relay.start();
    // Commits are rare here: what Kafka holds after the stop is the stop's own commit.
    const feed = new KafkaFeed(kafka, new ProjectionApplier(db.pool, projection, registry), {
      topicPrefix: prefix,
      concurrency: 6,
      commitIntervalMs: 3_600_000,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await feed.start();
      const names = Array.from({ length: 40 }, (_, i) => `org-${String(i).padStart(2, '0')}`);
      const last = await registerOrganisations(store, names);
      await waitForPosition(db.pool, projection.name, subscribed, last, 30_000);
      const { rows } = await db.pool.query<{ name: string }>(
        'SELECT name FROM directory.organisations ORDER BY name',
      );
      expect(rows.map((r) => r.name)).toEqual(names);
      await feed.stop();

      for (const topic of subscribed) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({
          groupId: consumerGroupOf(projection.name, prefix),
          topics: [topic],
        });
        const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
        for (const end of ends) {
          if (end.high === '0') continue; // nothing was ever published to this partition
          expect({ partition: end.partition, offset: byPartition.get(end.partition) }).toEqual({
            partition: end.partition,
            offset: end.high,
          });
        }
      }
    } finally {
      await feed.stop();
      await relay.stop();
      await admin.disconnect();
    }
  });
});
