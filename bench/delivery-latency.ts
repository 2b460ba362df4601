import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Kafka } from 'kafkajs';
import { allEventContracts } from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import { EventStore, EventTypeRegistry, GlobalLogSealer } from '@soc/event-store';
import {
  ensureProjection,
  EventStoreFeed,
  HEADER,
  KafkaFeed,
  OutboxRelay,
  ProjectionApplier,
} from '@soc/messaging';
import { benchMetadata, EVENT_TYPE, organisationData } from './contenders.js';
import { cpuSince, cpuSnapshot, type CpuUse } from './cpu.js';
import type { BenchTopics } from './delivery-kafka.js';
import { benchPool, stockTypes } from './server.js';

export interface LatencySettings {
  /** Appends per second, one event each. */
  rate: number;
  /** Measured seconds, after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  /** How long to wait after the last append for everything to become visible. */
  drainMs: number;
  /** Delay between two polls of the read model. */
  pollMs: number;
  onProgress?: (fraction: number, detail: string) => void;
}

/**
 * One measured append: milliseconds from its commit to each later stage (NaN when a stage was
 * not observed; the Kafka stages are null in process).
 */
export interface Sample {
  /** Commit (the INSERT's answer reached the appender) to the row first seen by the poller. */
  visible: number;
  /** Commit to the sealer having given the event its global position. */
  sealed: number;
  /** Commit to the relay handing it to the producer (`sendBatch` called). */
  sent: number | null;
  /** Commit to Kafka acknowledging that batch (acks -1). */
  acked: number | null;
  /** Commit to the feed handing it to the projection (the consumer has it, or it was read from the log). */
  received: number;
  /** Commit to the projection's transaction (read model and checkpoint) having committed. */
  applied: number;
}

export interface LatencyResult {
  samples: Sample[];
  /** Measured appends, and those not visible within the drain time. */
  appended: number;
  neverVisible: number;
  /** Appends committed per second during the measured period. */
  achievedRate: number;
  /** Most appends in flight at once (the appender falling behind its schedule shows here). */
  maxInFlight: number;
  /** Time from the first append to it being visible: start-up of the feed (consumer group join). */
  primeMs: number;
  /** Event-loop delay of this process during the measured period (ms). */
  loopDelay: { p50: number; p99: number; max: number };
  /** Mean round trip of one poll of the read model (ms): the resolution of "visible". */
  pollRoundTripMs: number;
  cpu: CpuUse;
}

/** Positions reached over time (position, performance.now()), strictly increasing. */
class Timeline {
  private readonly positions: number[] = [];
  private readonly times: number[] = [];

  record(position: number, at = performance.now()): void {
    if (position > (this.positions.at(-1) ?? 0)) {
      this.positions.push(position);
      this.times.push(at);
    }
  }

  /** When `position` was first reached, or null if not yet. */
  reachedAt(position: number): number | null {
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.positions[mid] < position) low = mid + 1;
      else high = mid;
    }
    return low < this.positions.length ? this.times[low] : null;
  }
}

interface StageTimes {
  sent?: number;
  acked?: number;
  received?: number;
  applied?: number;
}

/**
 * When each global position passed the stages after its seal, observed from outside the library:
 * the relay's producer (`sendBatch` called and answered, by the `global-position` header) and the
 * projection's `applyBatch` (called and returned). The first time of each stage is kept.
 */
class StageClock {
  private readonly times = new Map<number, StageTimes>();

  private mark(positions: Iterable<number>, stage: keyof StageTimes, at = performance.now()) {
    for (const position of positions) {
      const times = this.times.get(position) ?? {};
      times[stage] ??= at;
      this.times.set(position, times);
    }
  }

  /** The stage times of a position, forgotten once taken. */
  take(position: number): StageTimes | undefined {
    const times = this.times.get(position);
    this.times.delete(position);
    return times;
  }

  watchApplier(applier: ProjectionApplier): void {
    const apply = applier.applyBatch.bind(applier);
    applier.applyBatch = async (source, partition, items) => {
      const positions = items.flatMap((item) =>
        item.event?.globalPosition ? [item.event.globalPosition] : [],
      );
      this.mark(positions, 'received');
      await apply(source, partition, items);
      this.mark(positions, 'applied');
    };
  }

  watchProducers(kafka: Kafka): void {
    const create = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const producer = create(config);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = async (batch) => {
        const positions = (batch.topicMessages ?? []).flatMap(({ messages }) =>
          messages.map((m) => Number(m.headers?.[HEADER.globalPosition]?.toString())),
        );
        this.mark(positions, 'sent');
        const answer = await sendBatch(batch);
        this.mark(positions, 'acked');
        return answer;
      };
      return producer;
    };
  }
}

interface Pending {
  /** When the append's INSERT answered; null while it is in flight. */
  committedAt: number | null;
  /** When the poller first saw the row (possibly before the appender heard back). */
  seenAt: number | null;
  globalPosition: number | null;
  measured: boolean;
}

/**
 * Appends one `directory.OrganisationRegistered` at a time at a steady rate, each to a new
 * `organisation:<id>` stream, and finds when each row appears in `directory.organisations` (the
 * view queries read) by polling for the ids not yet seen every `pollMs`. The delivery runs in
 * this process as in the standalone application: sealer, then either the EventStoreFeed or the
 * OutboxRelay and a KafkaFeed.
 *
 * Appends do not wait for their global position (so the appender can stamp the commit), but
 * wake the sealer as a waiting append would.
 */
export async function measureLatency(
  url: string,
  topics: BenchTopics | null,
  settings: LatencySettings,
): Promise<LatencyResult> {
  const registry = new EventTypeRegistry(allEventContracts);
  // The application's pool size (DATABASE_POOL_SIZE default).
  const pool = benchPool({ connectionString: url, max: 20, types: stockTypes });
  const sealer = new GlobalLogSealer(pool);
  const store = new EventStore(pool, registry, sealer);
  const poller = new pg.Client({ connectionString: url, types: stockTypes });
  await poller.connect();
  const sealedAt = new Timeline();
  const stages = new StageClock();
  const stopWatchingSeals = sealer.onSealed((position) => sealedAt.record(position));
  sealer.start();
  await ensureProjection(pool, directoryProjection);
  const applier = new ProjectionApplier(pool, directoryProjection, registry);
  stages.watchApplier(applier);
  const stops: (() => Promise<void>)[] = [];
  let relay: OutboxRelay | null = null;
  if (topics) {
    stages.watchProducers(topics.kafka);
    relay = new OutboxRelay(pool, store, topics.kafka, topics.events, {
      topicPrefix: topics.prefix,
    });
    relay.start();
    stops.push(() => relay!.stop());
    const feed = new KafkaFeed(topics.kafka, applier, { topicPrefix: topics.prefix });
    await feed.start();
    stops.push(() => feed.stop());
  } else {
    const feed = new EventStoreFeed(pool, store, applier);
    feed.start();
    stops.push(() => feed.stop());
  }

  const pending = new Map<string, Pending>();
  const samples: Sample[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let measuring = false;
  let appendError: unknown = null;

  const settle = (id: string, entry: Pending) => {
    if (entry.committedAt === null || entry.seenAt === null) return;
    pending.delete(id);
    const position = entry.globalPosition;
    const at = position === null ? null : stages.take(position);
    if (!entry.measured) return;
    const commit = entry.committedAt;
    const since = (time: number | null | undefined) =>
      time === null || time === undefined ? NaN : time - commit;
    const sealed = position === null ? null : sealedAt.reachedAt(position);
    samples.push({
      visible: Math.max(0, entry.seenAt - commit),
      sealed: sealed === null ? NaN : Math.max(0, sealed - commit),
      sent: relay ? since(at?.sent) : null,
      acked: relay ? since(at?.acked) : null,
      received: since(at?.received),
      applied: since(at?.applied),
    });
  };

  const appendOne = () => {
    const data = organisationData();
    const entry: Pending = {
      committedAt: null,
      seenAt: null,
      globalPosition: null,
      measured: measuring,
    };
    pending.set(data.organisationId, entry);
    inFlight++;
    maxInFlight = measuring ? Math.max(maxInFlight, inFlight) : maxInFlight;
    store
      .append(
        `organisation:${data.organisationId}`,
        'no-stream',
        [{ type: EVENT_TYPE, data }],
        benchMetadata(),
        { awaitGlobalPosition: false },
      )
      .then(
        () => {
          entry.committedAt = performance.now();
          inFlight--;
          sealer.wake();
          settle(data.organisationId, entry);
        },
        (error: unknown) => {
          inFlight--;
          pending.delete(data.organisationId);
          appendError ??= error;
        },
      );
  };

  // The poller: one query per round for every id not seen yet, through the view queries read.
  let polling = true;
  let polls = 0;
  let pollTime = 0;
  const pollLoop = (async () => {
    while (polling) {
      const ids = [...pending].filter(([, e]) => e.seenAt === null).map(([id]) => id);
      if (ids.length > 0) {
        const sentAt = performance.now();
        const { rows } = await poller.query<{ organisation_id: string; global_position: string }>({
          name: 'bench-visible',
          text: `SELECT organisation_id, global_position FROM directory.organisations
                  WHERE organisation_id = ANY($1::text[])`,
          values: [ids],
        });
        polls++;
        pollTime += performance.now() - sentAt;
        for (const row of rows) {
          const entry = pending.get(row.organisation_id);
          if (!entry || entry.seenAt !== null) continue;
          // The row became visible after the previous poll's snapshot and before this one's,
          // taken as the query went out.
          entry.seenAt = sentAt;
          entry.globalPosition = Number(row.global_position);
          settle(row.organisation_id, entry);
        }
      }
      await sleep(settings.pollMs);
    }
  })();

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  try {
    // Prime: the first event through, which for Kafka includes the consumer joining its group.
    const primeStart = performance.now();
    appendOne();
    while (pending.size > 0 && performance.now() - primeStart < 120_000) await sleep(5);
    if (pending.size > 0) throw new Error('The first event never became visible (120 s)');
    const primeMs = performance.now() - primeStart;

    const interval = 1000 / settings.rate;
    const start = performance.now();
    const measureFrom = start + settings.warmupSeconds * 1000;
    const end = measureFrom + settings.seconds * 1000;
    let issued = 0;
    let measured = 0;
    let cpuStart = cpuSnapshot();
    let lastTick = 0;
    for (let now = start; now < end; now = performance.now()) {
      if (appendError) throw appendError;
      if (!measuring && now >= measureFrom) {
        measuring = true;
        loopDelay.enable();
        cpuStart = cpuSnapshot();
      }
      const due = Math.min(
        Math.floor((now - start) / interval) + 1,
        Math.ceil((end - start) / interval),
      );
      for (; issued < due; issued++) {
        if (measuring) measured++;
        appendOne();
      }
      if (now - lastTick >= 250) {
        lastTick = now;
        settings.onProgress?.(
          (now - start) / (end - start),
          `${measuring ? 'measuring' : 'warm-up'}: ${issued} appended, ${inFlight} in flight, ` +
            `${samples.length} seen`,
        );
      }
      await sleep(1);
    }
    const measuredSeconds = (performance.now() - measureFrom) / 1000;
    loopDelay.disable();
    const cpu = cpuSince(cpuStart);
    const drainEnd = performance.now() + settings.drainMs;
    while (pending.size > 0 && performance.now() < drainEnd) await sleep(10);
    if (appendError) throw appendError;
    const neverVisible = [...pending.values()].filter((e) => e.measured).length;
    return {
      samples,
      appended: measured,
      neverVisible,
      achievedRate: measured / measuredSeconds,
      maxInFlight,
      primeMs,
      loopDelay: {
        p50: loopDelay.percentile(50) / 1e6,
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
      pollRoundTripMs: polls > 0 ? pollTime / polls : 0,
      cpu,
    };
  } finally {
    polling = false;
    await pollLoop.catch(() => undefined);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stopWatchingSeals();
    await sealer.stop();
    await poller.end();
    await pool.end();
  }
}

/** The p-th percentile (nearest rank) of numbers; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
