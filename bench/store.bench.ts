/**
 * Event-store benchmark: append throughput, whole-log reads and a late-commit correctness check,
 * comparing raw INSERTs (the limit, plain and grouped), our event store and Emmett 0.42 on the
 * same PostgreSQL. The headline is what a caller gets on each side: an append that answers with
 * its global position (ours awaiting it, Emmett's appendToStream), and ours answering at commit
 * with a consistency token that reads wait on instead, against the raw INSERT that groups
 * concurrent appends into one statement and one commit, as the store does.
 *
 *   npm run bench:store                      embedded PostgreSQL in a temporary folder
 *   DATABASE_URL=postgres://... npm run bench:store
 *
 * BENCH_SECONDS (default 10) measured seconds per append cell, after BENCH_WARMUP_SECONDS (2);
 * BENCH_REPEATS (3) repetitions of every cell and read, in an order shuffled by BENCH_SEED
 * (random unless given; printed); BENCH_READ_EVENTS (100000) events per whole-log read;
 * BENCH_LATE_TRANSACTIONS (100) appends per writer and BENCH_LATE_SLOW (4) slow-transaction
 * connections in the late-commit test. A few cells only: BENCH_WRITERS=1,16 BENCH_SHAPES=1
 * BENCH_PHASES=appends (phases: appends, reads, late; ratios use the largest writer count).
 * Quick check: BENCH_SECONDS=1 BENCH_REPEATS=1 BENCH_LATE_TRANSACTIONS=10.
 * Tables go to stdout, progress bars to stderr. Nothing is asserted: the bench only reports.
 */
import { cpus } from 'node:os';
import {
  emmettContender,
  ourAwaitingContender,
  ourTokenContender,
  prepareTemplates,
  rawBatchedContender,
  rawPlainContender,
  type StoreKind,
} from './contenders.js';
import { LATE_WRITERS, lateCommitTest, type LateCommitRow } from './late-commit.js';
import { phaseBar } from './progress.js';
import { openServer } from './server.js';
import { appendPhase } from './store-appends.js';
import { config, estimatedSeconds } from './store-config.js';
import { MAX_SLEEP_MS, ROLLBACK_RATE } from './store-late-follow.js';
import { readPhase } from './store-reads.js';
import { formatTable, rate } from './table.js';

const contenders = [
  rawPlainContender,
  rawBatchedContender,
  ourAwaitingContender,
  ourTokenContender,
  emmettContender,
];

/** Tables go to stdout as each phase ends (its progress bar, on stderr, has stopped by then). */
function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printLate(rows: readonly LateCommitRow[]): void {
  print(
    '',
    formatTable(
      [
        'Late-commit test',
        'appends',
        'slow txns (rolled back)',
        'expected',
        'delivered',
        'while writing',
        'result',
        'seconds',
      ],
      rows.map((r) => [
        r.label,
        rate(r.appends),
        `${rate(r.slowCommitted + r.slowRolledBack)} (${rate(r.slowRolledBack)})`,
        rate(r.expected),
        rate(r.delivered),
        rate(r.whileWriting),
        `missed ${r.missed} / duplicated ${r.duplicated} / out-of-order streams ${r.outOfOrderStreams}` +
          (r.phantom > 0 ? ` / rolled-back seen ${r.phantom}` : ''),
        r.seconds.toFixed(1),
      ]),
    ),
    `${LATE_WRITERS} writers x ${config.lateAppendsPerWriter} appends of one event each through the store's ` +
      `public API (own stream per writer), while ${config.lateSlowConnections} connections run slow ` +
      `transactions back to back: BEGIN, a write, 0-${MAX_SLEEP_MS} ms sleep, COMMIT (${ROLLBACK_RATE * 100} % ROLLBACK).`,
    `The slow write is an append of the store's own for raw (a plain INSERT) and ours (EventStore.append as the ` +
      `transaction's first write), and a row of a side table for Emmett (its appends cannot join a caller's ` +
      `transaction), which holds back the oldest running transaction its reader waits for. Followers checkpoint ` +
      `by their store's own position, batches of 50.`,
    ...rows.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`),
  );
}

async function main(): Promise<void> {
  const began = performance.now();
  const server = await openServer();
  const interrupted = () => {
    void server.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const kinds: StoreKind[] = ['raw', 'ours', 'emmett'];
    const estimate = estimatedSeconds(contenders.length, kinds.length);
    print(
      `PostgreSQL ${server.version} (${server.description}); node ${process.version}; ` +
        `${cpus().length} CPUs; append cells: ${config.seconds} s after ${config.warmupSeconds} s warm-up, ` +
        `${config.repeats} repetition(s), seed ${config.seed} (BENCH_SEED); ` +
        `estimated time ${Math.ceil(estimate / 60)} min`,
    );
    const templates = await prepareTemplates(server);
    let phaseStart = performance.now();
    const phaseDone = (phase: string) => {
      print(`(${phase}: ${((performance.now() - phaseStart) / 1000).toFixed(0)} s)`);
      phaseStart = performance.now();
    };

    if (config.phases.has('appends')) {
      await appendPhase(
        server,
        templates,
        {
          all: contenders,
          headlines: [ourAwaitingContender, ourTokenContender],
          rawGrouped: rawBatchedContender,
          rawPlain: rawPlainContender,
          emmett: emmettContender,
        },
        print,
      );
      phaseDone('appends');
    }
    if (config.phases.has('reads')) {
      await readPhase(
        server,
        templates,
        { raw: rawBatchedContender, ours: ourTokenContender, emmett: emmettContender },
        print,
      );
      phaseDone('reads');
    }
    if (config.phases.has('late')) {
      const bar = phaseBar(
        'late-commit test',
        kinds.length * LATE_WRITERS * config.lateAppendsPerWriter,
      );
      let appends = 0;
      const rows: LateCommitRow[] = [];
      for (const kind of kinds) {
        rows.push(
          ...(await lateCommitTest(server, templates, kind, () =>
            bar.update(++appends, `${kind}: ${appends} appends`),
          )),
        );
      }
      bar.stop();
      printLate(rows);
      phaseDone('late-commit test');
    }
  } finally {
    await server.close();
  }
  const { maxRSS } = process.resourceUsage();
  print(
    '',
    `max RSS of the node process: ${(maxRSS / 1024).toFixed(0)} MiB; ` +
      `total time ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
