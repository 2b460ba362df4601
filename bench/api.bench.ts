/**
 * API benchmark: a command and a view read through the whole HTTP stack (authentication, rate
 * limits, policy, validation, the personal-data access log), beside a bare route of the same
 * Nest application that does one INSERT, at 1, 16 and 64 concurrent clients.
 *
 *   npm run bench:api                      embedded PostgreSQL in a temporary folder
 *   DATABASE_URL=postgres://... npm run bench:api
 *
 * BENCH_SECONDS (default 10) is the measured time of each cell, after 2 s of warm-up;
 * BENCH_REPEATS (default 3) the repetitions, each running every cell once in a shuffled order
 * (BENCH_SEED reproduces an order); BENCH_CLIENTS (default 1,16,64) the concurrencies;
 * BENCH_THREATS (default 1024) the threats the commands and reads spread over. To look at a few
 * cells only: BENCH_ROUTES=view BENCH_CLIENTS=64 (routes: bare, command, view; the ratios and
 * targets need bare and command, or view).
 * Tables go to stdout, progress bars to stderr. Nothing is asserted: the bench only reports.
 * POSITION_WAIT_MS=0 runs the commands as a deployment that answers them at commit, with their
 * consistency token instead of their global position.
 * On a PostgreSQL server shared with other work, that work's open transactions (in any database)
 * hold back the global position, and so the commands' answers: prefer the embedded server.
 */
// First: the settings must be in process.env before the application's modules load.
import './api-env.js';
import { randomInt } from 'node:crypto';
import { cpus } from 'node:os';
import type { Pool } from 'pg';
import { EVENT_STORE_POOL } from '@soc/event-store';
import { BARE_TABLE, phasesSince, phaseSnapshot, startBenchApp, type Phases } from './api-app.js';
import { percentile, runLoad, type LoadResult } from './api-load.js';
import {
  callerOf,
  registerThreats,
  ROUTE_LABELS,
  targetsFor,
  type RouteName,
} from './api-routes.js';
import { phaseBar } from './progress.js';
import { openServer } from './server.js';
import { formatTable, rate, ratio } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const CLIENTS = listFromEnv('BENCH_CLIENTS', [1, 16, 64]);
const THREATS = Number(process.env.BENCH_THREATS ?? 1024);
const SEED = process.env.BENCH_SEED ? Number(process.env.BENCH_SEED) : randomInt(1, 2 ** 31);
const ROUTES = (process.env.BENCH_ROUTES ?? 'bare,command,view')
  .split(',')
  .map((route) => route.trim())
  .filter((route): route is RouteName => route in ROUTE_LABELS);
const COMMAND_OVER_BARE_TARGET = 0.5;
const VIEW_P99_TARGET_MS = 20;

function listFromEnv(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (!text) return fallback;
  const list = text.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`${name} must be a comma-separated list of positive integers, not "${text}"`);
  }
  return list;
}

/** mulberry32: a small seeded generator, so that one seed gives one order of cells. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

interface Cell {
  readonly route: RouteName;
  readonly clients: number;
}

interface Run {
  readonly load: LoadResult;
  readonly phases: Phases;
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const perSecond = (r: LoadResult) => r.ok / r.seconds;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const perCall = (total: { ms: number; calls: number }) =>
  total.calls > 0 ? total.ms / total.calls : NaN;

function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
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
    const bench = await startBenchApp(await server.createDatabase());
    try {
      print(
        `PostgreSQL ${server.version} (${server.description}); node ${process.version}; ` +
          `${cpus().length} CPUs; ${SECONDS} s per cell after ${WARMUP_SECONDS} s warm-up; ` +
          `${REPEATS} repetitions; seed ${SEED} (BENCH_SEED=${SEED} repeats this order)`,
        `application: standalone module, LOG_LEVEL=silent, pool ${bench.env.DATABASE_POOL_SIZE}, ` +
          `rate limits raised for every route to ${bench.env.RATE_LIMIT_BURST_PER_SECOND}/s and ` +
          `${bench.env.RATE_LIMIT_PER_MINUTE}/min per principal; commands ` +
          (bench.env.POSITION_WAIT_MS === 0
            ? `answer at commit with their consistency token (POSITION_WAIT_MS=0)`
            : `await their global position (POSITION_WAIT_MS=${bench.env.POSITION_WAIT_MS})`) +
          `; the bare route's INSERT goes ` +
          `through the application's own pool; load from a worker thread, one keep-alive ` +
          `connection per client`,
      );
      const clientsMax = Math.max(...CLIENTS);
      const tokens = await Promise.all(
        Array.from({ length: clientsMax }, (_, k) => bench.tokenFor(callerOf(k))),
      );
      const tokenCheck = await bench.tokenCheckMs(tokens[0]);
      const seedBar = phaseBar('threats', THREATS);
      const threats = await registerThreats(bench.baseUrl, tokens[0], THREATS, 8, (done) =>
        seedBar.update(done, `${done} of ${THREATS} registered`),
      );
      seedBar.stop();

      const cells: Cell[] = CLIENTS.flatMap((clients) =>
        ROUTES.map((route) => ({ route, clients })),
      );
      const runs = new Map<string, Run[]>();
      const key = (route: RouteName, clients: number) => `${route}@${clients}`;
      const random = seeded(SEED);
      const bar = phaseBar('cells', REPEATS * cells.length * 100);
      let done = 0;
      for (let repeat = 1; repeat <= REPEATS; repeat++) {
        for (const { route, clients } of shuffled(cells, random)) {
          const name = `${repeat}/${REPEATS} ${route} @${clients}`;
          let before = phaseSnapshot();
          let phases: Phases | undefined;
          const load = await runLoad(
            {
              baseUrl: bench.baseUrl,
              targets: targetsFor(route, clients, tokens, threats),
              warmupSeconds: WARMUP_SECONDS,
              seconds: SECONDS,
            },
            {
              onTick: (fraction, answers) =>
                bar.update(
                  done * 100 + Math.floor(Math.min(1, fraction) * 100),
                  `${name}: ${answers}`,
                ),
              onWindow: (open) => {
                if (open) before = phaseSnapshot();
                else phases = phasesSince(before);
              },
            },
          );
          phases ??= phasesSince(before);
          runs.set(key(route, clients), [
            ...(runs.get(key(route, clients)) ?? []),
            { load, phases },
          ]);
          bar.update(++done * 100, `${name}: ${rate(perSecond(load))}/s`);
        }
      }
      bar.stop();

      const of = (route: RouteName, clients: number) => runs.get(key(route, clients)) ?? [];
      const ran = (route: RouteName) => ROUTES.includes(route);
      const throughput = (route: RouteName, clients: number) =>
        median(of(route, clients).map((r) => perSecond(r.load)));
      const latency = (route: RouteName, clients: number, p: 'p50' | 'p99') =>
        median(of(route, clients).map((r) => r.load[p]));
      const clientsHeader = CLIENTS.map((c) => `${c} client${c > 1 ? 's' : ''}`);

      print(
        '',
        formatTable(
          [`Requests/s, 2xx (median of ${REPEATS}, min-max)`, ...clientsHeader],
          ROUTES.map((route) => [
            ROUTE_LABELS[route],
            ...CLIENTS.map((c) => {
              const values = of(route, c).map((r) => perSecond(r.load));
              return `${rate(median(values))} (${rate(Math.min(...values))}-${rate(Math.max(...values))})`;
            }),
          ]).concat(
            (['command', 'view'] as const)
              .filter((route) => ran(route) && ran('bare'))
              .map((route) => [
                `${route} / bare route`,
                ...CLIENTS.map((c) => ratio(throughput(route, c), throughput('bare', c))),
              ]),
          ),
        ),
        '',
        formatTable(
          [`Latency ms, p50 / p99 (median of ${REPEATS}; max of all)`, ...clientsHeader],
          ROUTES.map((route) => [
            ROUTE_LABELS[route],
            ...CLIENTS.map(
              (c) =>
                `${ms(latency(route, c, 'p50'))} / ${ms(latency(route, c, 'p99'))}` +
                ` (${ms(Math.max(...of(route, c).map((r) => r.load.max)))})`,
            ),
          ]),
        ),
      );

      const refusals = ROUTES.map((route) => [
        ROUTE_LABELS[route],
        ...CLIENTS.map((c) => {
          const counts = new Map<string, number>();
          let answers = 0;
          for (const { load } of of(route, c)) {
            for (const [status, n] of Object.entries(load.statuses)) {
              answers += n;
              if (!status.startsWith('2')) counts.set(status, (counts.get(status) ?? 0) + n);
            }
          }
          const failed = [...counts.values()].reduce((a, b) => a + b, 0);
          const detail = [...counts].map(([status, n]) => `${status}: ${n}`).join(', ');
          return `${rate(failed)} of ${rate(answers)}${detail ? ` (${detail})` : ''}`;
        }),
      ]);
      print(
        '',
        formatTable(
          [
            'Answers not 2xx, of requests sent or answered in the window (all repetitions)',
            ...clientsHeader,
          ],
          refusals,
        ),
      );

      const targetRows = CLIENTS.flatMap((c) => {
        const rows: string[][] = [];
        if (ran('command') && ran('bare')) {
          const commandRatio = throughput('command', c) / throughput('bare', c);
          rows.push([
            `command >= ${COMMAND_OVER_BARE_TARGET} x bare route @${c}`,
            ratio(throughput('command', c), throughput('bare', c)),
            commandRatio >= COMMAND_OVER_BARE_TARGET ? 'met' : 'missed',
          ]);
        }
        if (ran('view')) {
          const viewP99 = latency('view', c, 'p99');
          rows.push([
            `view p99 < ${VIEW_P99_TARGET_MS} ms @${c}`,
            `${ms(viewP99)} ms`,
            viewP99 < VIEW_P99_TARGET_MS ? 'met' : 'missed',
          ]);
        }
        return rows;
      });
      print('', formatTable(['Targets', 'measured', 'result'], targetRows));

      // Server-side time per request, summed over the repetitions: where a command's time goes.
      const breakdownRows: string[][] = [];
      for (const c of CLIENTS) {
        const total = (route: RouteName, phase: keyof Phases) =>
          of(route, c).reduce(
            (sum, r) => ({
              ms: sum.ms + r.phases[phase].ms,
              calls: sum.calls + r.phases[phase].calls,
            }),
            { ms: 0, calls: 0 },
          );
        const meanLatency = (route: RouteName) => median(of(route, c).map((r) => r.load.mean));
        const bareInsert = perCall(total('bare', 'bareInsert'));
        const load = perCall(total('command', 'load'));
        const append = perCall(total('command', 'append'));
        const wait = perCall(total('command', 'positionWait'));
        const command = meanLatency('command');
        if (ran('bare')) {
          breakdownRows.push([
            `bare route @${c}`,
            ms(meanLatency('bare')),
            '',
            `${ms(bareInsert)} (INSERT)`,
            '',
            ms(meanLatency('bare') - bareInsert),
          ]);
        }
        if (ran('command')) {
          breakdownRows.push([
            `command @${c}`,
            ms(command),
            ms(load),
            ms(append - wait),
            ms(wait),
            ms(command - load - append),
          ]);
        }
      }
      if (breakdownRows.length > 0) {
        print(
          '',
          formatTable(
            ['Mean ms per request', 'client', 'load stream', 'commit', 'position wait', 'the rest'],
            breakdownRows,
          ),
          '"client": mean latency seen by the client; "load stream", "commit" (append without its wait)',
          'and "position wait" (for the sealer to give the events their global position) are timed in',
          'the server; "the rest" is HTTP, authentication, rate limits, validation, policy, decision',
          'and serialisation, and queueing for the event loop.',
          `Of "the rest", checking a token's signature alone (ES256, jose) takes ${tokenCheck.toFixed(2)} ms ` +
            'of CPU, measured before the cells.',
        );
      }

      const pool = bench.app.get<Pool>(EVENT_STORE_POOL);
      const { rows } = await pool.query<{ min: number; median: number; max: number }>(
        `SELECT min(n)::int AS min, percentile_disc(0.5) WITHIN GROUP (ORDER BY n)::int AS median,
                max(n)::int AS max
           FROM (SELECT count(*) AS n FROM event_store.events
                  WHERE stream_id LIKE 'threat%' GROUP BY stream_id) s`,
      );
      const bareRows = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${BARE_TABLE}`);
      print(
        '',
        `events per threat stream at the end: min ${rows[0]?.min}, median ${rows[0]?.median}, ` +
          `max ${rows[0]?.max} (${THREATS} threats; each command loads its whole stream); ` +
          `${rate(Number(bareRows.rows[0].n))} rows of the bare route`,
      );
    } finally {
      await bench.close();
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
