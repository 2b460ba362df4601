/**
 * Delivery benchmark: how soon an appended event is visible in a projection (embedded feed and
 * Kafka), how fast a projection rebuilds from a large log, and the memory the process needs.
 *
 *   npm run bench:delivery                   embedded PostgreSQL in a temporary folder, and a
 *                                            single-node Kafka started with java (as the tests do)
 *   DATABASE_URL=postgres://... KAFKA_BROKERS=host:9092 npm run bench:delivery
 *
 * BENCH_SECONDS (default 30) sets the measured time of each latency cell and
 * BENCH_REBUILD_EVENTS (default 1,000,000) the size of the log the rebuild reads.
 * BENCH_REPEATS (default 3) runs every latency cell that many times, in a new shuffled order
 * each time, and reports the median of each percentile with the spread of the p99s.
 * BENCH_PHASES (default `latency,rebuild`) and BENCH_CELLS (default all: `embedded`, `kafka`,
 * `floor-poll`, `floor-notify`, `floor-kafka-ours`, `floor-kafka-naive`) select what runs.
 * The floors are the transports alone at the same rate and duration (see delivery-floors.ts).
 * Tables go to stdout, progress bars to stderr. Nothing is asserted: the bench only reports.
 */
import { cpus } from 'node:os';
import { deliveryMigrations } from '@soc/messaging';
import { securityMigrations } from '@soc/security';
import { openOurStore } from './contenders.js';
import { createBenchTopics, openKafka, type BenchKafka } from './delivery-kafka.js';
import {
  kafkaFloor,
  notifyFloor,
  pollFloor,
  type FloorResult,
  type FloorSettings,
} from './delivery-floors.js';
import { measureLatency, percentile, type LatencyResult, type Sample } from './delivery-latency.js';
import { seedLog, timeRawRead, timeRebuild, vacuumLog } from './delivery-rebuild.js';
import { phaseBar, type Progress } from './progress.js';
import { openServer, type BenchServer } from './server.js';
import { formatTable, rate } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'latency,rebuild').split(',').map((p) => p.trim()),
);
const CELLS = process.env.BENCH_CELLS
  ? new Set(process.env.BENCH_CELLS.split(',').map((c) => c.trim()))
  : null;
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const RATE = 500;
const WARMUP_SECONDS = 2;
const POLL_MS = 2;
const SEED_WRITERS = 8;
const SEED_PER_APPEND = 100;
const RAW_PAGE = 5000;
const TARGETS = { embeddedP99: 25, kafkaP99: 100, rebuild: 50_000, rssMiB: 512 };
const MiB = 1024 * 1024;

/** Tables go to stdout as each phase ends (its progress bar, on stderr, has stopped by then). */
function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The process's RSS every 250 ms, the maximum kept per phase. */
class RssSampler {
  private phase = 'start-up';
  readonly maxByPhase = new Map<string, number>();
  private readonly timer = setInterval(() => this.sample(), 250);

  enter(phase: string): void {
    this.sample();
    this.phase = phase;
    this.sample();
  }

  sample(): void {
    const rss = process.memoryUsage().rss;
    this.maxByPhase.set(this.phase, Math.max(this.maxByPhase.get(this.phase) ?? 0, rss));
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }

  get max(): number {
    return Math.max(...this.maxByPhase.values());
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const began = performance.now();
  const rss = new RssSampler();
  const [server, kafkaOrError] = await Promise.all([
    openServer(),
    openKafka().catch((error: unknown) => error as Error),
  ]);
  const broker: BenchKafka | null = kafkaOrError instanceof Error ? null : kafkaOrError;
  const close = async () => {
    await broker?.close().catch(() => undefined);
    await server.close();
  };
  const interrupted = () => {
    void close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    print(
      `PostgreSQL ${server.version} (${server.description}); ` +
        `Kafka: ${broker ? broker.description : `not available (${(kafkaOrError as Error).message.split('\n')[0]})`}; ` +
        `node ${process.version}; ${cpus().length} CPUs`,
    );

    // ------------------------------------------------------------ commit-to-visible latency
    if (PHASES.has('latency')) await latencyPhase(server, broker, rss);

    // ------------------------------------------------------------ rebuild throughput
    if (PHASES.has('rebuild')) await rebuildPhase(server, rss);
  } finally {
    rss.enter('shut-down');
    await close();
    rss.stop();
  }
  print(
    '',
    formatTable(
      ['Max RSS of the node process (MiB)', 'max RSS', 'target', 'result'],
      [
        ...[...rss.maxByPhase].map(([phase, bytes]) => [phase, (bytes / MiB).toFixed(0), '', '']),
        [
          'whole run',
          (rss.max / MiB).toFixed(0),
          `< ${TARGETS.rssMiB}`,
          verdict(rss.max < TARGETS.rssMiB * MiB),
        ],
      ],
    ),
    `process.memoryUsage().rss every 250 ms. Total time ${((performance.now() - began) / 1000).toFixed(0)} s.`,
  );
}

interface Cell {
  key: string;
  label: string;
  /** The p99 target, for our own cells; floors have none. */
  target: number | null;
  run(bar: Progress): Promise<CellRun>;
}

interface CellRun {
  /** Milliseconds to visible (ours) or to arrival (floors), one per measured message. */
  samples: number[];
  sent: number;
  achievedRate: number;
  lost: number;
  primeMs: number;
  /** Ours only: the stages and the process's state during the run. */
  latency?: LatencyResult;
}

const median = (values: readonly number[]) => percentile(values, 50);

/** Fisher-Yates, so that no cell always runs first (on a fresh machine) or last (a warm one). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

async function latencyPhase(
  server: BenchServer,
  broker: BenchKafka | null,
  rss: RssSampler,
): Promise<void> {
  const timing = {
    rate: RATE,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    drainMs: 30_000,
    pollMs: POLL_MS,
  };
  const ours = async (bar: Progress, kafka: boolean): Promise<CellRun> => {
    const url = await server.createEventStoreDatabase([
      ...deliveryMigrations,
      ...securityMigrations,
    ]);
    const topics = kafka ? await createBenchTopics(broker!.brokers) : null;
    try {
      const result = await measureLatency(url, topics, {
        ...timing,
        onProgress: (fraction, detail) => bar.update(Math.floor(fraction * 1000), detail),
      });
      return {
        samples: result.samples.map((s) => s.visible),
        sent: result.appended,
        achievedRate: result.achievedRate,
        lost: result.neverVisible,
        primeMs: result.primeMs,
        latency: result,
      };
    } finally {
      if (topics && process.env.KAFKA_BROKERS) await topics.drop().catch(() => undefined);
    }
  };
  const floor = async (bar: Progress, measure: (s: FloorSettings) => Promise<FloorResult>) => {
    const result = await measure({
      ...timing,
      onProgress: (fraction, detail) => bar.update(Math.floor(fraction * 1000), detail),
    });
    return { ...result, latency: undefined };
  };
  const database = () => server.createDatabase();
  const every: Cell[] = [
    {
      key: 'embedded',
      label: 'embedded: ours (sealer + EventStoreFeed)',
      target: TARGETS.embeddedP99,
      run: (bar) => ours(bar, false),
    },
    {
      key: 'floor-poll',
      label: '  floor: PostgreSQL commit seen by a poll',
      target: null,
      run: async (bar) => floor(bar, async (s) => pollFloor(await database(), s)),
    },
    {
      key: 'floor-notify',
      label: '  floor: PostgreSQL LISTEN/NOTIFY',
      target: null,
      run: async (bar) => floor(bar, async (s) => notifyFloor(await database(), s)),
    },
    ...(broker
      ? [
          {
            key: 'kafka',
            label: 'Kafka: ours (OutboxRelay + KafkaFeed)',
            target: TARGETS.kafkaP99,
            run: (bar: Progress) => ours(bar, true),
          },
          {
            key: 'floor-kafka-ours',
            label: '  floor: kafkajs, our producer + KafkaFeed',
            target: null,
            run: (bar: Progress) => floor(bar, (s) => kafkaFloor(broker.brokers, 'ours', s)),
          },
          {
            key: 'floor-kafka-naive',
            label: '  floor: kafkajs, defaults',
            target: null,
            run: (bar: Progress) => floor(bar, (s) => kafkaFloor(broker.brokers, 'naive', s)),
          },
        ]
      : []),
  ];
  const cells = every.filter((cell) => CELLS === null || CELLS.has(cell.key));

  const runs = new Map<string, CellRun[]>(cells.map((cell) => [cell.key, []]));
  const orders: string[] = [];
  for (let repeat = 1; repeat <= REPEATS; repeat++) {
    const order = shuffled(cells);
    orders.push(order.map((cell) => cell.key).join(', '));
    for (const cell of order) {
      const label = `${cell.key} ${repeat}/${REPEATS}`;
      rss.enter(`latency: ${cell.key}`);
      const bar = phaseBar(label, 1000);
      try {
        runs.get(cell.key)!.push(await cell.run(bar));
      } finally {
        bar.stop();
      }
    }
  }

  const stats = (run: CellRun) => ({
    p50: percentile(run.samples, 50),
    p95: percentile(run.samples, 95),
    p99: percentile(run.samples, 99),
    max: percentile(run.samples, 100),
  });
  print(
    '',
    formatTable(
      [
        `Commit-to-visible (ms), ${RATE}/s, median of ${REPEATS}`,
        'p50',
        'p95',
        'p99',
        'max',
        'p99 of each run',
        'target p99',
        'result',
        'sent',
        'achieved/s',
        'lost',
      ],
      cells.map((cell) => {
        const list = runs.get(cell.key)!;
        const each = list.map(stats);
        const p99 = median(each.map((e) => e.p99));
        const lost = list.reduce((sum, run) => sum + run.lost, 0);
        return [
          cell.label,
          ms(median(each.map((e) => e.p50))),
          ms(median(each.map((e) => e.p95))),
          ms(p99),
          ms(median(each.map((e) => e.max))),
          each
            .map((e) => e.p99)
            .sort((a, b) => a - b)
            .map(ms)
            .join(' '),
          cell.target === null ? '' : `< ${cell.target}`,
          cell.target === null ? '' : verdict(p99 < cell.target && lost === 0),
          rate(list.reduce((sum, run) => sum + run.sent, 0) / list.length),
          rate(median(list.map((run) => run.achievedRate))),
          rate(lost),
        ];
      }),
    ),
    `Each value is the median over ${REPEATS} run(s) of that run's percentile; "p99 of each run" ` +
      `shows the spread. Cells ran in shuffled order: ${orders.map((o) => `[${o}]`).join(' ')}.`,
    `Ours: one directory.OrganisationRegistered per append (new stream each), paced by a timer for ` +
      `${SECONDS} s after ${WARMUP_SECONDS} s warm-up; commit = the INSERT's answer at the appender ` +
      `(appends do not await their position but wake the sealer, as an awaiting append does); ` +
      `visible = first seen in directory.organisations by a poll every ${POLL_MS} ms.`,
    `Floors, same rate and duration: poll = an INSERT's answer to a second session's poll ` +
      `(every ${POLL_MS} ms, as above) seeing the row; LISTEN/NOTIFY = pg_notify sent to the ` +
      `listener having it; kafkajs = send to the consumer having it, on a fresh 6-partition ` +
      `topic, with kafkajs defaults (producer.send per message, eachMessage, maxWaitTimeInMs ` +
      `5000) and with ours (the relay's producer sending what waits as one batch at a time, ` +
      `a KafkaFeed with its default settings handing batches to a stand-in that only notes them).`,
  );

  const oursCells = cells.filter((cell) => cell.target !== null && runs.get(cell.key)!.length);
  const pooled = (cell: Cell) => runs.get(cell.key)!.flatMap((run) => run.latency!.samples);
  const stage = (
    samples: Sample[],
    from: (s: Sample) => number | null,
    to: (s: Sample) => number | null,
  ) => {
    const values = samples.flatMap((s) => {
      const a = from(s);
      const b = to(s);
      return a === null || b === null || Number.isNaN(a) || Number.isNaN(b) ? [] : [b - a];
    });
    return values.length === 0
      ? '-'
      : `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
  };
  print(
    '',
    formatTable(
      [
        'Where the time goes (ms, p50 / p99)',
        'commit→sealed',
        'sealed→sent',
        'sent→acked',
        '→received',
        'received→applied',
        'applied→visible',
        'commit→visible',
      ],
      oursCells.map((cell) => {
        const samples = pooled(cell);
        const kafka = samples[0]?.acked !== null;
        return [
          cell.label,
          stage(
            samples,
            () => 0,
            (s) => s.sealed,
          ),
          kafka
            ? stage(
                samples,
                (s) => s.sealed,
                (s) => s.sent,
              )
            : '-',
          kafka
            ? stage(
                samples,
                (s) => s.sent,
                (s) => s.acked,
              )
            : '-',
          stage(
            samples,
            (s) => (kafka ? s.acked : s.sealed),
            (s) => s.received,
          ),
          stage(
            samples,
            (s) => s.received,
            (s) => s.applied,
          ),
          stage(
            samples,
            (s) => s.applied,
            (s) => s.visible,
          ),
          stage(
            samples,
            () => 0,
            (s) => s.visible,
          ),
        ];
      }),
    ),
    `All runs pooled. sealed: the sealer's onSealed; sent / acked: the relay's sendBatch called / ` +
      `answered; received: the feed handing the event to the projection (from the consumer, or ` +
      `read from the log after sealed); applied: the projection's transaction committed; ` +
      `visible: the poll that first saw the row. A stage can be negative: a consumer may have a ` +
      `message before the producer hears its acknowledgement, and a poll goes out before it is timed.`,
  );
  print(
    '',
    formatTable(
      [
        'The runs (median of runs)',
        'poll rtt',
        'event loop delay p99 / max',
        'node CPU',
        'machine busy',
        'max in flight',
        'first event',
      ],
      oursCells.map((cell) => {
        const results = runs.get(cell.key)!.map((run) => run.latency!);
        const busy = results.flatMap((r) =>
          r.cpu.machineBusy === null ? [] : [r.cpu.machineBusy],
        );
        return [
          cell.label,
          ms(median(results.map((r) => r.pollRoundTripMs))),
          `${ms(median(results.map((r) => r.loopDelay.p99)))} / ${ms(median(results.map((r) => r.loopDelay.max)))}`,
          `${Math.round((median(results.map((r) => r.cpu.nodeSeconds)) / SECONDS) * 100)}%`,
          busy.length === 0 ? '?' : `${Math.round(median(busy) * 100)}%`,
          String(median(results.map((r) => r.maxInFlight))),
          ms(median(results.map((r) => r.primeMs))),
        ];
      }),
    ),
    `Node CPU is of one core; machine busy is all CPUs (other programs included); ` +
      `"first event" includes the Kafka consumer joining its group.`,
  );
}

async function rebuildPhase(server: BenchServer, rss: RssSampler): Promise<void> {
  rss.enter('rebuild: seed');
  const url = await server.createEventStoreDatabase([...deliveryMigrations, ...securityMigrations]);
  const open = openOurStore(url, SEED_WRITERS + 4);
  try {
    const seedBar = phaseBar('rebuild: seed', REBUILD_EVENTS);
    const seedStart = performance.now();
    const seed = await seedLog(open, REBUILD_EVENTS, {
      writers: SEED_WRITERS,
      perAppend: SEED_PER_APPEND,
      onProgress: (appended, sealed) =>
        seedBar.update(
          sealed ?? appended,
          sealed === null
            ? `appended ${rate(appended)} (${rate(appended / ((performance.now() - seedStart) / 1000))} events/s)`
            : `appends done; sealed ${rate(sealed)}`,
        ),
    });
    seedBar.stop();
    rss.enter('rebuild: VACUUM ANALYZE');
    const vacuumSeconds = await vacuumLog(url);

    rss.enter('rebuild: rebuildProjection');
    const rebuildBar = phaseBar('rebuild: projection', REBUILD_EVENTS);
    const rebuildStart = performance.now();
    const rebuilt = await timeRebuild(open, (applied, head) =>
      rebuildBar.update(
        applied,
        `${rate(applied)} / ${rate(head)} events, ` +
          `${rate(applied / ((performance.now() - rebuildStart) / 1000))} events/s`,
      ),
    );
    rebuildBar.stop();

    rss.enter('rebuild: raw read');
    const readBar = phaseBar('raw read', seed.events);
    const readStart = performance.now();
    const raw = await timeRawRead(url, RAW_PAGE, (read) =>
      readBar.update(
        read,
        `${rate(read)} events, ${rate(read / ((performance.now() - readStart) / 1000))} events/s`,
      ),
    );
    readBar.stop();

    const rebuildRate = rebuilt.events / rebuilt.seconds;
    const share = (seconds: number) =>
      `${seconds.toFixed(1)} s (${Math.round((seconds / rebuilt.seconds) * 100)}%)`;
    print(
      '',
      formatTable(
        ['Rebuild throughput', 'events', 'seconds', 'events/s', 'target', 'result'],
        [
          [
            `seed: store.append, ${SEED_WRITERS} writers x ${SEED_PER_APPEND} events/append`,
            rate(seed.events),
            seed.appendSeconds.toFixed(1),
            rate(seed.events / seed.appendSeconds),
            '',
            '',
          ],
          [
            'seed: sealed (from the first append)',
            rate(seed.events),
            seed.sealedSeconds.toFixed(1),
            rate(seed.events / seed.sealedSeconds),
            '',
            '',
          ],
          [
            `rebuildProjection (directory, generation ${rebuilt.generation})`,
            rate(rebuilt.events),
            rebuilt.seconds.toFixed(1),
            rate(rebuildRate),
            `>= ${rate(TARGETS.rebuild)}`,
            verdict(rebuildRate >= TARGETS.rebuild),
          ],
          [
            `raw read limit: pg keyset SELECT * ... LIMIT ${RAW_PAGE}`,
            rate(raw.events),
            raw.seconds.toFixed(1),
            rate(raw.events / raw.seconds),
            '',
            '',
          ],
        ],
      ),
      `Log: ${rate(seed.organisations)} OrganisationRegistered, ` +
        `${rate(seed.events - seed.organisations)} PersonEnrolled v3; ` +
        `VACUUM ANALYZE of the log took ${vacuumSeconds.toFixed(1)} s before the reads.`,
      `Rebuild time: store.readAll ${share(rebuilt.readSeconds)} (overlapping the applies), ` +
        `projection apply ${share(rebuilt.applySeconds)}; rebuild / raw read: ` +
        `${(rebuildRate / (raw.events / raw.seconds)).toFixed(2)}.`,
    );
  } finally {
    await open.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
