import { describeWithKafka } from '@soc/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { startKafkaBroker, type RunningKafkaBroker } from './kafka/kafka-broker.mjs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

function client(brokers: string) {
  return new Kafka({
    clientId: 'kafka-broker-e2e',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
}

/** Runs `consumer` on `topic` from the beginning, collecting messages as they arrive. */
async function collect(consumer: Consumer, topic: string) {
  const received: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(message);
    },
  });
  return received;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const values = (messages: KafkaMessage[]) => messages.map((message) => String(message.value));

describeWithKafka('Kafka broker for the tests', () => {
  it('delivers keyed messages across partitions to a consumer group, in order per key', async () => {
    const brokers = process.env.TEST_KAFKA_BROKERS;
    if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set by test/global-setup.mjs');
    const kafka = client(brokers);
    const topic = `e2e-ordering-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({
      groupId: `e2e-ordering-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    try {
      await admin.connect();
      expect(
        await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }),
      ).toBe(true);

      const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 100 }, (_, i) => ({
          key: keys[i % keys.length],
          value: String(Math.floor(i / keys.length)),
        })),
      });

      const received = await collect(consumer, topic);
      await waitFor(() => received.length >= 100, '100 messages');

      expect(received).toHaveLength(100);
      const byKey = new Map<string, string[]>();
      for (const message of received) {
        const key = String(message.key);
        byKey.set(key, [...(byKey.get(key) ?? []), String(message.value)]);
      }
      const inOrder = Array.from({ length: 10 }, (_, i) => String(i));
      expect(new Map([...byKey].sort())).toEqual(new Map(keys.map((key) => [key, inOrder])));

      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets).toHaveLength(3);
      // Ten keys over three partitions: more than one partition is in use.
      expect(offsets.filter((partition) => Number(partition.high) > 0).length).toBeGreaterThan(1);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  describe('a broker of its own', () => {
    let dataDir: string | undefined;
    let broker: RunningKafkaBroker | undefined;

    afterAll(async () => {
      await broker?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('keeps acknowledged messages across a restart on the same ports and data', async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'soc-test-kafka-restart-'));
      broker = await startKafkaBroker({ dataDir });
      const topic = 'durable';
      const before = client(broker.brokers);
      const admin = before.admin();
      const producer = before.producer();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: `before-${i}` })),
      });
      await producer.disconnect();
      await admin.disconnect();

      await broker.stop();
      await broker.restart();

      const after = client(broker.brokers);
      const consumer = after.consumer({
        groupId: `after-restart-${randomUUID()}`,
        maxWaitTimeInMs: 100,
      });
      const producerAfter = after.producer();
      try {
        const received = await collect(consumer, topic);
        await waitFor(() => received.length >= 10, 'the 10 messages from before the restart');
        expect(values(received)).toEqual(Array.from({ length: 10 }, (_, i) => `before-${i}`));

        await producerAfter.connect();
        await producerAfter.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: `after-${i}` })),
        });
        await waitFor(() => received.length >= 15, 'the 5 messages from after the restart');
        expect(values(received).slice(10)).toEqual(
          Array.from({ length: 5 }, (_, i) => `after-${i}`),
        );
        expect(received.map((message) => Number(message.offset))).toEqual(
          Array.from({ length: 15 }, (_, i) => i),
        );
      } finally {
        await consumer.disconnect();
        await producerAfter.disconnect();
      }
      await broker.stop();
    });
  });
});
