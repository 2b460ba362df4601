import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { createKafka, KafkaFeed, OutboxRelay, topicsOf } from '@soc/messaging';
import type { FeedItem, ProjectionApplier } from '@soc/messaging';
import { EVENT_TYPE } from './contenders.js';
import { createTopics } from './delivery-kafka.js';
import { benchPool } from './server.js';

/**
 * The transports' own floors: the same rate and duration as the commit-to-visible cells, with
 * nothing of ours in between. Each floor sends one small message per tick and times it to the
 * moment the far side has it.
 */
export interface FloorSettings {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainMs: number;
  /** Delay between two polls (the poll floor, as the commit-to-visible poller). */
  pollMs: number;
  onProgress?: (fraction: number, detail: string) => void;
}

export interface FloorResult {
  /** Milliseconds from send (or commit) to arrival, one per measured message. */
  samples: number[];
  sent: number;
  /** Measured messages that never arrived within the drain time. */
  lost: number;
  achievedRate: number;
  /** Time for the first message to arrive (a Kafka consumer joining its group). */
  primeMs: number;
}

interface InFlight {
  sentAt: number;
  measured: boolean;
}

/** Sends at a steady rate and records arrivals; `send` is told the id to carry. */
class Pacer {
  readonly inFlight = new Map<string, InFlight>();
  readonly samples: number[] = [];
  private error: unknown = null;

  constructor(private readonly settings: FloorSettings) {}

  /** Records the arrival of `id`, timed from `from` (default: when it was sent). */
  arrived(id: string, at = performance.now(), from?: number): void {
    const entry = this.inFlight.get(id);
    if (!entry) return;
    this.inFlight.delete(id);
    if (entry.measured) this.samples.push(Math.max(0, at - (from ?? entry.sentAt)));
  }

  failed(error: unknown): void {
    this.error ??= error;
  }

  async run(send: (id: string) => void): Promise<FloorResult> {
    const { settings } = this;
    let measuring = false;
    const issue = () => {
      const id = randomUUID();
      this.inFlight.set(id, { sentAt: performance.now(), measured: measuring });
      send(id);
    };
    const primeStart = performance.now();
    issue();
    while (this.inFlight.size > 0 && performance.now() - primeStart < 120_000) await sleep(5);
    if (this.inFlight.size > 0) throw new Error('The first message never arrived (120 s)');
    const primeMs = performance.now() - primeStart;

    const interval = 1000 / settings.rate;
    const start = performance.now();
    const measureFrom = start + settings.warmupSeconds * 1000;
    const end = measureFrom + settings.seconds * 1000;
    let issued = 0;
    let measured = 0;
    let lastTick = 0;
    for (let now = start; now < end; now = performance.now()) {
      if (this.error) throw this.error;
      measuring = now >= measureFrom;
      const due = Math.min(
        Math.floor((now - start) / interval) + 1,
        Math.ceil((end - start) / interval),
      );
      for (; issued < due; issued++) {
        if (measuring) measured++;
        issue();
      }
      if (now - lastTick >= 250) {
        lastTick = now;
        settings.onProgress?.(
          (now - start) / (end - start),
          `${measuring ? 'measuring' : 'warm-up'}: ${issued} sent, ${this.inFlight.size} in flight`,
        );
      }
      await sleep(1);
    }
    const measuredSeconds = (performance.now() - measureFrom) / 1000;
    const drainEnd = performance.now() + settings.drainMs;
    while (this.inFlight.size > 0 && performance.now() < drainEnd) await sleep(10);
    if (this.error) throw this.error;
    return {
      samples: this.samples,
      sent: measured,
      lost: [...this.inFlight.values()].filter((e) => e.measured).length,
      achievedRate: measured / measuredSeconds,
      primeMs,
    };
  }
}

/**
 * PostgreSQL LISTEN/NOTIFY: `SELECT pg_notify(...)` on a pool of 20 (the application's), one
 * listening session; from the query going out to the notification arriving.
 */
export async function notifyFloor(url: string, settings: FloorSettings): Promise<FloorResult> {
  const channel = `bench_floor_${randomBytes(4).toString('hex')}`;
  const pool = benchPool({ connectionString: url, max: 20 });
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  const pacer = new Pacer(settings);
  listener.on('notification', (message) => {
    if (message.channel === channel && message.payload) pacer.arrived(message.payload);
  });
  await listener.query(`LISTEN ${channel}`);
  try {
    return await pacer.run((id) => {
      pool.query('SELECT pg_notify($1, $2)', [channel, id]).catch((e: unknown) => pacer.failed(e));
    });
  } finally {
    await listener.end();
    await pool.end();
  }
}

/**
 * PostgreSQL commit seen by a poller: one INSERT per tick on a pool of 20, and a second session
 * asking for the ids not seen yet every `pollMs`, exactly as the commit-to-visible poller does
 * (so this is also the resolution of "visible"). From the INSERT's answer to the poll that saw it.
 */
export async function pollFloor(url: string, settings: FloorSettings): Promise<FloorResult> {
  const pool = benchPool({ connectionString: url, max: 20 });
  const poller = new pg.Client({ connectionString: url });
  await poller.connect();
  await poller.query(
    'CREATE TABLE IF NOT EXISTS bench_floor_rows (id text PRIMARY KEY, at timestamptz DEFAULT now())',
  );
  const pacer = new Pacer(settings);
  const committedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const settle = (id: string) => {
    const commit = committedAt.get(id);
    const seen = seenAt.get(id);
    if (commit === undefined || seen === undefined) return;
    committedAt.delete(id);
    seenAt.delete(id);
    pacer.arrived(id, seen, commit);
  };
  let polling = true;
  const pollLoop = (async () => {
    while (polling) {
      const ids = [...pacer.inFlight.keys()].filter((id) => !seenAt.has(id));
      if (ids.length > 0) {
        const sentAt = performance.now();
        const { rows } = await poller.query<{ id: string }>({
          name: 'bench-floor-visible',
          text: 'SELECT id FROM bench_floor_rows WHERE id = ANY($1::text[])',
          values: [ids],
        });
        for (const { id } of rows) {
          if (seenAt.has(id)) continue;
          seenAt.set(id, sentAt);
          settle(id);
        }
      }
      await sleep(settings.pollMs);
    }
  })();
  try {
    return await pacer.run((id) => {
      pool.query('INSERT INTO bench_floor_rows (id) VALUES ($1)', [id]).then(
        () => {
          committedAt.set(id, performance.now());
          settle(id);
        },
        (e: unknown) => pacer.failed(e),
      );
    });
  } finally {
    polling = false;
    await pollLoop.catch(() => undefined);
    await poller.end();
    await pool.end();
  }
}

export type KafkaFloorFlavour = 'naive' | 'ours';

/**
 * A bare kafkajs produce-to-consume round trip on a fresh topic (6 partitions, as ours), one
 * message per tick keyed by a new id, from `send` to the consumer having it.
 *
 * - naive: kafkajs defaults throughout: `producer()` and one `send` per message (acks -1),
 *   `consumer({ groupId })` (maxWaitTimeInMs 5000, minBytes 1) with `eachMessage` and auto-commit.
 * - ours: the relay's producer (idempotent, one request in flight, `sendBatch` of everything
 *   waiting, acks -1, one batch at a time), and a real KafkaFeed, with the settings given, over
 *   a stand-in for the projection that only notes arrivals (no PostgreSQL).
 */
export async function kafkaFloor(
  brokers: string[],
  flavour: KafkaFloorFlavour,
  settings: FloorSettings,
  feedOptions: ConstructorParameters<typeof KafkaFeed>[2] = {},
): Promise<FloorResult> {
  const kafka: Kafka = createKafka({ brokers, clientId: 'delivery-bench-floor' });
  const prefix = `floor-${randomBytes(4).toString('hex')}`;
  const [topic] = topicsOf([EVENT_TYPE], prefix);
  await createTopics(kafka, [topic]);
  const pacer = new Pacer(settings);
  const stops: (() => Promise<void>)[] = [];
  try {
    if (flavour === 'naive') {
      const consumer = kafka.consumer({ groupId: `${prefix}.naive` });
      await consumer.connect();
      stops.push(() => consumer.disconnect());
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }: { message: KafkaMessage }) => {
          pacer.arrived(message.value?.toString('utf8') ?? '');
        },
      });
      const producer = kafka.producer();
      await producer.connect();
      stops.unshift(() => producer.disconnect());
      return await pacer.run((id) => {
        producer
          .send({ topic, messages: [{ key: id, value: id }] })
          .catch((e: unknown) => pacer.failed(e));
      });
    }

    const standIn = {
      projection: { name: 'floor', handles: [EVENT_TYPE] },
      applyBatch: async (_source: string, _partition: number, items: readonly FeedItem[]) => {
        const at = performance.now();
        for (const item of items) pacer.arrived(item.raw(), at);
      },
    } as unknown as ProjectionApplier;
    const feed = new KafkaFeed(kafka, standIn, { ...feedOptions, topicPrefix: prefix });
    await feed.start();
    stops.push(() => feed.stop());
    const producer = kafka.producer(OutboxRelay.producerConfig);
    await producer.connect();
    stops.unshift(() => producer.disconnect());
    let queue: Message[] = [];
    let sending = false;
    const flush = async () => {
      if (sending) return;
      sending = true;
      try {
        while (queue.length > 0) {
          const messages = queue;
          queue = [];
          await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
        }
      } catch (e) {
        pacer.failed(e);
      } finally {
        sending = false;
      }
    };
    return await pacer.run((id) => {
      queue.push({ key: id, value: id });
      void flush();
    });
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
