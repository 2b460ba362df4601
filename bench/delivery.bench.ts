/**
 * Delivery benchmark: how soon an appended event is visible in a projection (embedded feed and
 * Kafka), how fast a projection rebuilds from a large log, and the memory the process needs.
 *
 *   npm run bench:delivery                   embedded PostgreSQL in a temporary folder, and a
 *                                            single-node Kafka started with java (as the tests do)
 *   DATABASE_URL=postgres://... KAFKA_BROKERS=host:9092 npm run bench:delivery
 *
 * BENCH_SECONDS (default 30) sets the measured time of each latency mode and
 * BENCH_REBUILD_EVENTS (default 1,000,000) the size of the log the rebuild reads.
 * Tables go to stdout, progress bars to stderr. Nothing is asserted: the bench only reports.
 */
import { cpus } from 'node:os';
import { deliveryMigrations } from '@soc/messaging';
import { securityMigrations } from '@soc/security';
import { openOurStore } from './contenders.js';
import { createBenchTopics, openKafka, type BenchKafka } from './delivery-kafka.js';
import { measureLatency, percentile, type LatencyResult } from './delivery-latency.js';
import { seedLog, timeRawRead, timeRebuild, vacuumLog } from './delivery-rebuild.js';
import { phaseBar } from './progress.js';
import { openServer } from './server.js';
import { formatTable, rate } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 1_000_000);
const RATE = 500;
const WARMUP_SECONDS = 2;
const POLL_MS = 2;
const SEED_WRITERS = 8;
const SEED_PER_APPEND = 100;
const RAW_PAGE = 5000;
const TARGETS = { embeddedP99: 50, kafkaP99: 250, rebuild: 50_000, rssMiB: 512 };
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
    const latency = async (label: string, kafka: boolean): Promise<LatencyResult> => {
      rss.enter(label);
      const url = await server.createEventStoreDatabase([
        ...deliveryMigrations,
        ...securityMigrations,
      ]);
      const topics = kafka ? await createBenchTopics(broker!.brokers) : null;
      const bar = phaseBar(label, 1000);
      try {
        return await measureLatency(url, topics, {
          rate: RATE,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          drainMs: 30_000,
          pollMs: POLL_MS,
          onProgress: (fraction, detail) => bar.update(Math.floor(fraction * 1000), detail),
        });
      } finally {
        bar.stop();
        if (topics && process.env.KAFKA_BROKERS) await topics.drop().catch(() => undefined);
      }
    };
    const modes: { label: string; target: number; result: LatencyResult | null }[] = [
      {
        label: 'embedded (EventStoreFeed)',
        target: TARGETS.embeddedP99,
        result: await latency('latency: embedded', false),
      },
      {
        label: 'Kafka (OutboxRelay + KafkaFeed)',
        target: TARGETS.kafkaP99,
        result: broker ? await latency('latency: Kafka', true) : null,
      },
    ];
    print(
      '',
      formatTable(
        [
          `Commit-to-visible (ms), ${RATE} appends/s`,
          'p50',
          'p95',
          'p99',
          'max',
          'target p99',
          'result',
          'appends',
          'achieved/s',
          'not visible',
        ],
        modes.map(({ label, target, result }) => {
          if (!result) return [label, '-', '-', '-', '-', `< ${target}`, 'not run'];
          const visible = result.samples.map((s) => s.visible);
          const p99 = percentile(visible, 99);
          return [
            label,
            ms(percentile(visible, 50)),
            ms(percentile(visible, 95)),
            ms(p99),
            ms(percentile(visible, 100)),
            `< ${target}`,
            verdict(p99 < target && result.neverVisible === 0),
            rate(result.appended),
            rate(result.achievedRate),
            rate(result.neverVisible),
          ];
        }),
      ),
      `One directory.OrganisationRegistered per append (new stream each), paced by a timer for ` +
        `${SECONDS} s after ${WARMUP_SECONDS} s warm-up; commit = the INSERT's answer at the appender ` +
        `(appends do not await their position but wake the sealer, as an awaiting append does); ` +
        `visible = first seen in directory.organisations by a poll every ${POLL_MS} ms.`,
    );
    const parts = (
      result: LatencyResult,
      pick: (s: LatencyResult['samples'][number]) => number,
    ) => {
      const values = result.samples.map(pick);
      return `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))}`;
    };
    print(
      '',
      formatTable(
        [
          'Where the time goes (ms, p50 / p99)',
          'commit→sealed',
          'sealed→published',
          '→visible',
          'poll rtt',
          'event loop delay p99 / max',
          'node CPU',
          'machine busy',
          'max in flight',
          'first event',
        ],
        modes.flatMap(({ label, result }) =>
          result
            ? [
                [
                  label,
                  parts(result, (s) => s.sealed),
                  result.samples[0]?.published === null
                    ? '-'
                    : parts(result, (s) => (s.published ?? NaN) - s.sealed),
                  parts(result, (s) => s.visible - (s.published ?? s.sealed)),
                  ms(result.pollRoundTripMs),
                  `${ms(result.loopDelay.p99)} / ${ms(result.loopDelay.max)}`,
                  `${Math.round((result.cpu.nodeSeconds / SECONDS) * 100)}%`,
                  result.cpu.machineBusy === null
                    ? '?'
                    : `${Math.round(result.cpu.machineBusy * 100)}%`,
                  String(result.maxInFlight),
                  `${ms(result.primeMs)}`,
                ],
              ]
            : [],
        ),
      ),
      `sealed: the sealer's onSealed; published: the relay's recorded position (seen every poll); ` +
        `→visible: from the previous stage to the poll that saw the row. Node CPU is of one core; ` +
        `"first event" includes the Kafka consumer joining its group.`,
    );

    // ------------------------------------------------------------ rebuild throughput
    rss.enter('rebuild: seed');
    const url = await server.createEventStoreDatabase([
      ...deliveryMigrations,
      ...securityMigrations,
    ]);
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

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
