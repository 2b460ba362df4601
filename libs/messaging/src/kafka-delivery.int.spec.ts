import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allEventContracts } from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import { EventTypeRegistry, type EventStore, type GlobalLogSealer } from '@soc/event-store';
import {
  appendMetadata,
  createTestDatabase,
  eventStoreFor,
  organisationRegistered,
  registerOrganisations,
  type TestDatabase,
  describeWithKafka,
} from '@soc/testing';
import type { Kafka } from 'kafkajs';
import { startKafkaBroker } from '../../../test/kafka/kafka-broker.mjs';
import {
  allTopics,
  consumerGroupOf,
  createKafka,
  deadLetterPublisher,
  ensureProjection,
  ensureTopics,
  HEADER,
  KafkaFeed,
  OutboxRelay,
  ProjectionApplier,
  topicsOf,
  waitForPosition,
} from './index.js';

const brokers = () => {
  const list = process.env.TEST_KAFKA_BROKERS;
  if (!list)
    throw new Error('TEST_KAFKA_BROKERS is not set: run through jest (test/global-setup.mjs)');
  return list.split(',');
};

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000, what = 'condition') {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Everything on a topic, read from the start by a throw-away consumer group. */
async function readTopic(kafka: Kafka, topic: string, expected: number) {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const seen: { key: string; value: string; partition: number; headers: Record<string, string> }[] =
    [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      seen.push({ key: String(message.key), value: String(message.value), partition, headers });
    },
  });
  await until(async () => seen.length >= expected, 30_000, `${expected} messages on ${topic}`);
  await consumer.disconnect();
  return seen;
}

describeWithKafka('delivery over Kafka (real broker, real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let sealer: GlobalLogSealer;
  let kafka: Kafka;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const topics = allTopics(prefix);
  const projection = directoryProjection;
  const registry = new EventTypeRegistry(allEventContracts);
  const subscribed = topicsOf(projection.handles, prefix);

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, sealer } = eventStoreFor(db.pool));
    kafka = createKafka({ brokers: brokers(), clientId: 'delivery-test' });
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

  const names = async () =>
    (
      await db.pool.query<{ name: string }>(
        'SELECT name FROM directory.organisations ORDER BY name',
      )
    ).rows.map((r) => r.name);

  it('publishes in order per stream with headers, and a projection fed from Kafka counts nothing twice', async () => {
    const relay = new OutboxRelay(db.pool, store, kafka, topics.events, { topicPrefix: prefix });
    relay.start();
    const producer = kafka.producer();
    await producer.connect();
    const applier = new ProjectionApplier(db.pool, projection, registry, {
      retryDelayMs: 1,
      onDeadLetter: deadLetterPublisher(producer),
    });
    const feed = new KafkaFeed(kafka, applier, { topicPrefix: prefix });
    try {
      await feed.start();
      const stream = `organisation:${randomUUID()}`;
      await store.append(
        stream,
        'no-stream',
        [organisationRegistered('s1'), organisationRegistered('s2')],
        appendMetadata(),
      );
      const last = await registerOrganisations(store, ['alpha', 'bravo', 'charlie']);
      await waitForPosition(db.pool, projection.name, subscribed, last, 30_000);
      expect(await names()).toEqual(
        ['Organisation s1', 'Organisation s2', 'alpha', 'bravo', 'charlie'].sort(),
      );

      const published = await readTopic(kafka, `${prefix}.directory.events`, 5);
      const ofStream = published.filter((m) => m.key === stream);
      expect(new Set(ofStream.map((m) => m.partition)).size).toBe(1);
      expect(ofStream.map((m) => JSON.parse(m.value).streamVersion)).toEqual([1, 2]);
      expect(published[0].headers).toEqual(
        expect.objectContaining({
          [HEADER.eventId]: expect.any(String),
          [HEADER.eventType]: 'directory.OrganisationRegistered',
          [HEADER.schemaVersion]: '1',
          [HEADER.correlationId]: expect.any(String),
        }),
      );

      // The relay dies after publishing but before recording: it publishes everything again.
      await relay.stop();
      await db.pool.query('UPDATE delivery.relay_position SET global_position = 0');
      relay.start();
      // A poison message produced straight onto the topic: dead-lettered with its reason.
      await producer.send({
        topic: `${prefix}.directory.events`,
        messages: [{ key: 'x', value: 'not json' }],
      });
      const after = await registerOrganisations(store, ['delta']);
      await waitForPosition(db.pool, projection.name, subscribed, after, 30_000);
      await until(
        async () => (await readTopic(kafka, `${prefix}.directory.events`, 12)).length >= 12,
      );
      expect(await names()).toEqual(
        ['Organisation s1', 'Organisation s2', 'alpha', 'bravo', 'charlie', 'delta'].sort(),
      );
      const dlq = await readTopic(kafka, `${prefix}.directory.events.dlq`, 1);
      expect(dlq[0].value).toBe('not json');
      expect(dlq[0].headers['dead-letter-error']).toMatch(/not JSON/);
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM delivery.dead_letters');
      expect(rows[0].n).toBe(1);

      // Consumer offsets reset to the start: everything is delivered again, nothing changes.
      await feed.stop();
      const admin = kafka.admin();
      await admin.connect();
      for (const topic of subscribed) {
        await admin.resetOffsets({
          groupId: consumerGroupOf(projection.name, prefix),
          topic,
          earliest: true,
        });
      }
      await admin.disconnect();
      const counted = await db.pool.query('SELECT count(*)::int AS n FROM directory.organisations');
      await feed.start();
      const latest = await registerOrganisations(store, ['echo']);
      await waitForPosition(db.pool, projection.name, subscribed, latest, 30_000);
      const recounted = await db.pool.query(
        'SELECT count(*)::int AS n FROM directory.organisations',
      );
      expect(recounted.rows[0].n).toBe(counted.rows[0].n + 1);
      expect(
        (await db.pool.query('SELECT count(*)::int AS n FROM delivery.dead_letters')).rows[0].n,
      ).toBe(1); // the poison message came round again too, but its offset was already passed
    } finally {
      await feed.stop();
      await relay.stop();
      await producer.disconnect();
    }
  });

  it('keeps accepting appends while Kafka is down and catches up when it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soc-test-kafka-outage-'));
    const broker = await startKafkaBroker({ dataDir: dir });
    const own = createKafka({ brokers: [broker.brokers], clientId: 'outage-test' });
    const ownTopics = allTopics(`${prefix}o`);
    await ensureTopics(own, ownTopics.events, { partitions: 3, replicationFactor: 1 });
    const outageDb = await createTestDatabase();
    const outage = eventStoreFor(outageDb.pool);
    const relay = new OutboxRelay(outageDb.pool, outage.store, own, ownTopics.events, {
      topicPrefix: `${prefix}o`,
      maxBackoffMs: 1000,
    });
    relay.start();
    await ensureProjection(outageDb.pool, projection);
    const feed = new KafkaFeed(own, new ProjectionApplier(outageDb.pool, projection, registry), {
      topicPrefix: `${prefix}o`,
    });
    await feed.start();
    try {
      await registerOrganisations(outage.store, ['before']);
      await until(async () => relay.current.publishedPosition >= 1, 30_000, 'first publish');
      await broker.stop();
      const last = await registerOrganisations(outage.store, ['during-1', 'during-2', 'during-3']);
      expect(last).toBe(4);
      await until(async () => relay.current.state === 'degraded', 30_000, 'the relay to notice');
      expect(relay.current.publishedPosition).toBe(1);
      await broker.restart();
      await until(
        async () => relay.current.publishedPosition === 4,
        60_000,
        'the relay to catch up',
      );
      expect(relay.current.state).toBe('publishing');
      const published = await readTopic(own, `${prefix}o.directory.events`, 4);
      expect(new Set(published.map((m) => m.headers[HEADER.globalPosition]))).toEqual(
        new Set(['1', '2', '3', '4']),
      );
      // The consumer lived through the outage too: everything projected, once.
      await waitForPosition(
        outageDb.pool,
        projection.name,
        topicsOf(projection.handles, `${prefix}o`),
        4,
        60_000,
      );
      const { rows } = await outageDb.pool.query<{ name: string }>(
        'SELECT name FROM directory.organisations ORDER BY name',
      );
      expect(rows.map((r) => r.name)).toEqual(['before', 'during-1', 'during-2', 'during-3']);
    } finally {
      await feed.stop();
      await relay.stop();
      await outage.sealer.stop();
      await outageDb.drop();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
