/**
 * Event-store benchmark: append throughput, whole-log reads and a late-commit correctness check,
 * comparing plain INSERTs (the limit), our event store and Emmett 0.42 on the same PostgreSQL.
 *
 *   npm run bench:store                      embedded PostgreSQL in a temporary folder
 *   DATABASE_URL=postgres://... npm run bench:store
 *
 * BENCH_SECONDS (default 4) sets the measured time of each append cell and
 * BENCH_LATE_TRANSACTIONS (default 100) the transactions per writer of the late-commit test.
 * To look at a few cells only: BENCH_WRITERS=16 BENCH_SHAPES=1 BENCH_PHASES=appends
 * (phases: appends, reads, late; ratios need the 16-writer column).
 * Tables go to stdout, progress bars to stderr. Nothing is asserted: the bench only reports.
 */
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  emmettContender,
  emmettReader,
  openOurStore,
  ourContender,
  prepareEmmett,
  prepareRaw,
  rawContender,
  type Appender,
  type Contender,
} from './contenders.js';
import { cpuSince, cpuSnapshot, type CpuUse } from './cpu.js';
import { LATE_WRITERS, lateCommitTest, type LateCommitRow } from './late-commit.js';
import { phaseBar } from './progress.js';
import { openServer, stockTypes } from './server.js';
import { formatTable, rate, ratio } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = 0.5;
const WRITERS = listFromEnv('BENCH_WRITERS', [1, 4, 16]);
const SHAPES = listFromEnv('BENCH_SHAPES', [1, 10]);
const TOP = Math.max(...WRITERS);
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'appends,reads,late').split(',').map((p) => p.trim()),
);
const READ_TARGET = 100_000;
const READ_PAGE = 1000;
const LATE_TRANSACTIONS_PER_WRITER = Number(process.env.BENCH_LATE_TRANSACTIONS ?? 100);

function listFromEnv(name: string, fallback: number[]): number[] {
  const text = process.env[name];
  if (!text) return fallback;
  const list = text.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`${name} must be a comma-separated list of positive integers, not "${text}"`);
  }
  return list;
}

interface CellResult {
  events: number;
  seconds: number;
  /** Appends whose position wait timed out (ours, awaiting). */
  late: number;
  cpu?: CpuUse;
}

/** Runs `writers` loops of appends until `stop()` says so. */
async function drive(
  appender: Appender,
  writers: number,
  eventsPerAppend: number,
  stop: (appended: number) => boolean,
): Promise<CellResult> {
  let events = 0;
  let late = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (!stop(events)) {
        const onTime = await appender.append(eventsPerAppend);
        events += eventsPerAppend;
        if (!onTime) late++;
      }
    }),
  );
  return { events, seconds: (performance.now() - start) / 1000, late };
}

async function runCell(
  contender: Contender,
  writers: number,
  eventsPerAppend: number,
  onTick: (fraction: number, events: number) => void,
): Promise<CellResult> {
  const appender = await contender.open(writers);
  try {
    const warmupEnd = performance.now() + WARMUP_SECONDS * 1000;
    await drive(appender, writers, eventsPerAppend, () => performance.now() >= warmupEnd);
    const start = performance.now();
    const end = start + SECONDS * 1000;
    let appended = 0;
    const ticker = setInterval(
      () => onTick((performance.now() - start) / (SECONDS * 1000), appended),
      200,
    );
    const cpuStart = cpuSnapshot();
    try {
      const result = await drive(appender, writers, eventsPerAppend, (events) => {
        appended = events;
        return performance.now() >= end;
      });
      return { ...result, cpu: cpuSince(cpuStart) };
    } finally {
      clearInterval(ticker);
    }
  } finally {
    await appender.close();
  }
}

async function countRows(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, types: stockTypes });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

interface Pass {
  events: number;
  seconds: number;
}

interface ReadResult {
  label: string;
  logSize: number;
  asFound: Pass;
  analyzed: Pass;
  /** Distinct events returned by the first pass. */
  unique: number;
  note: string;
}

/**
 * Reads the whole log twice: first as found (statistics as autovacuum left them), recording each
 * event's position to count events returned twice or never; then again after ANALYZE.
 */
async function timeReads(
  url: string,
  tables: readonly string[],
  readAll: (positions: Set<string> | null) => Promise<number>,
): Promise<{ asFound: Pass; analyzed: Pass; unique: number }> {
  const positions = new Set<string>();
  const timed = async (track: boolean): Promise<Pass> => {
    const start = performance.now();
    const events = await readAll(track ? positions : null);
    return { events, seconds: (performance.now() - start) / 1000 };
  };
  const asFound = await timed(true);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`ANALYZE ${tables.join(', ')}`);
  } finally {
    await client.end();
  }
  const analyzed = await timed(false);
  return { asFound, analyzed, unique: positions.size };
}

/** Tables go to stdout as each phase ends (its progress bar, on stderr, has stopped by then). */
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
    print(
      `PostgreSQL ${server.version} (${server.description}); node ${process.version}; ` +
        `${cpus().length} CPUs; ${SECONDS} s per append cell after ${WARMUP_SECONDS} s warm-up`,
    );

    // ------------------------------------------------------------ databases, one per contender
    const rawUrl = await server.createDatabase();
    await prepareRaw(rawUrl);
    const oursUrl = await server.createEventStoreDatabase();
    const oursAwaitUrl = await server.createEventStoreDatabase();
    const emmettUrl = await server.createDatabase();
    await prepareEmmett(emmettUrl);
    const contenders: Contender[] = [
      rawContender(rawUrl),
      ourContender(oursUrl, false),
      ourContender(oursAwaitUrl, true),
      emmettContender(emmettUrl),
    ];

    const [raw, oursNoWait, oursAwaiting, emmett] = contenders;
    // ------------------------------------------------------------ appends
    if (PHASES.has('appends')) {
      const results = new Map<string, CellResult>();
      const key = (c: Contender, shape: number, writers: number) =>
        `${c.label}|${shape}|${writers}`;
      const cells = SHAPES.length * WRITERS.length * contenders.length;
      const bar = phaseBar('appends', cells * 100);
      let done = 0;
      for (const shape of SHAPES) {
        for (const writers of WRITERS) {
          for (const contender of contenders) {
            const name = `${contender.label}, ${shape} ev/append, ${writers} writer(s)`;
            const result = await runCell(contender, writers, shape, (fraction, events) =>
              bar.update(
                done * 100 + Math.floor(Math.min(1, fraction) * 100),
                `${name}: ${events}`,
              ),
            );
            results.set(key(contender, shape, writers), result);
            bar.update(++done * 100, `${name}: ${rate(result.events / result.seconds)} ev/s`);
          }
        }
      }
      bar.stop();

      const perSecond = (contender: Contender, shape: number, writers: number) => {
        const r = results.get(key(contender, shape, writers))!;
        return r.events / r.seconds;
      };
      const appendRows: string[][] = [];
      for (const shape of SHAPES) {
        for (const contender of contenders) {
          appendRows.push([
            `${contender.label}, ${shape} event${shape > 1 ? 's' : ''}/append`,
            ...WRITERS.map((w) => rate(perSecond(contender, shape, w))),
            ratio(perSecond(contender, shape, TOP), perSecond(raw, shape, TOP)),
            ratio(perSecond(contender, shape, TOP), perSecond(emmett, shape, TOP)),
            ...WRITERS.map((w) => rate(results.get(key(contender, shape, w))!.events)),
          ]);
        }
      }
      print(
        '',
        formatTable(
          [
            'Appends (events/s)',
            ...WRITERS.map((w) => `${w} writer${w > 1 ? 's' : ''}`),
            `/ raw @${TOP}`,
            `/ Emmett @${TOP}`,
            ...WRITERS.map((w) => `events @${w}`),
          ],
          appendRows,
        ),
      );
      for (const shape of SHAPES) {
        print(
          `${shape} event${shape > 1 ? 's' : ''}/append @${TOP}:` +
            `  ours / raw: ${ratio(perSecond(oursNoWait, shape, TOP), perSecond(raw, shape, TOP))}` +
            `   ours / Emmett: ${ratio(perSecond(oursNoWait, shape, TOP), perSecond(emmett, shape, TOP))}` +
            `   (awaiting the position: ${ratio(perSecond(oursAwaiting, shape, TOP), perSecond(raw, shape, TOP))}` +
            ` and ${ratio(perSecond(oursAwaiting, shape, TOP), perSecond(emmett, shape, TOP))})`,
        );
      }
      print(
        '',
        formatTable(
          [
            'CPU: node ms per 1,000 events (machine busy)',
            ...WRITERS.map((w) => `${w} writer${w > 1 ? 's' : ''}`),
          ],
          SHAPES.flatMap((shape) =>
            contenders.map((contender) => [
              `${contender.label}, ${shape} event${shape > 1 ? 's' : ''}/append`,
              ...WRITERS.map((w) => {
                const r = results.get(key(contender, shape, w))!;
                const ms = ((r.cpu?.nodeSeconds ?? 0) * 1e6) / r.events;
                const busy = r.cpu?.machineBusy;
                return `${ms.toFixed(0)} (${busy === null || busy === undefined ? '?' : `${Math.round(busy * 100)}%`})`;
              }),
            ]),
          ),
        ),
      );
      const lateWaits = [...results.entries()].filter(([, r]) => r.late > 0);
      if (lateWaits.length > 0) {
        print(
          `position waits that timed out: ${lateWaits.map(([k, r]) => `${k}: ${r.late}`).join(', ')}`,
        );
      }
      print(
        `pools: raw = writers; ours = max(writers, 4) + 2 (sealer included); ` +
          `Emmett = connectionOptions { pool: new pg.Pool({ max: writers }) } (its default is pg's max 10)`,
      );
    }
    // ------------------------------------------------------------ whole-log reads
    if (PHASES.has('reads')) {
      const topUps: [Contender, string, string][] = [
        [raw, rawUrl, 'raw_events'],
        [oursNoWait, oursUrl, 'event_store.events'],
        [emmett, emmettUrl, 'emt_messages'],
      ];
      const topBar = phaseBar('reads: top up', topUps.length * READ_TARGET);
      for (const [index, [contender, url, table]] of topUps.entries()) {
        const have = await countRows(url, table);
        if (have < READ_TARGET) {
          const appender = await contender.open(16);
          try {
            await drive(appender, 16, 10, (events) => {
              topBar.update(index * READ_TARGET + have + events, `${contender.label}`);
              return have + events >= READ_TARGET;
            });
          } finally {
            await appender.close();
          }
        }
        topBar.update(
          (index + 1) * READ_TARGET,
          `${contender.label}: ${await countRows(url, table)}`,
        );
      }
      topBar.stop();

      const sizes = await Promise.all(topUps.map(([, url, table]) => countRows(url, table)));
      const readBar = phaseBar('reads', sizes.reduce((a, b) => a + b, 0) * 2);
      let readSoFar = 0;
      const tick = (n: number, detail: string) => readBar.update((readSoFar += n), detail);
      const reads: ReadResult[] = [];

      {
        const pool = new pg.Pool({ connectionString: rawUrl, max: 1, types: stockTypes });
        const result = await timeReads(rawUrl, ['raw_events'], async (positions) => {
          let after = '0';
          let events = 0;
          for (;;) {
            const { rows } = await pool.query<{ seq: string }>({
              name: 'raw-read',
              text: `SELECT * FROM raw_events WHERE seq > $1 ORDER BY seq LIMIT ${READ_PAGE}`,
              values: [after],
            });
            if (rows.length === 0) return events;
            if (positions) for (const row of rows) positions.add(row.seq);
            after = rows[rows.length - 1].seq;
            events += rows.length;
            tick(rows.length, 'raw');
          }
        });
        await pool.end();
        reads.push({
          label: 'raw: WHERE seq > $1 ORDER BY seq LIMIT 1000',
          logSize: sizes[0],
          ...result,
          note: '',
        });
      }
      {
        const open = openOurStore(oursUrl, 3);
        const sealStart = performance.now();
        while ((await open.store.headPosition()) < sizes[1]) await sleep(20);
        const sealWait = (performance.now() - sealStart) / 1000;
        const tables = ['event_store.events', 'event_store.global_log'];
        const result = await timeReads(oursUrl, tables, async (positions) => {
          let after = 0;
          let events = 0;
          for (;;) {
            const batch = await open.store.readAll({ after, limit: READ_PAGE });
            if (batch.length === 0) return events;
            if (positions) for (const e of batch) positions.add(String(e.globalPosition));
            after = batch[batch.length - 1].globalPosition!;
            events += batch.length;
            tick(batch.length, 'ours');
          }
        });
        await open.close();
        reads.push({
          label: 'ours: readAll({ after, limit: 1000 })',
          logSize: sizes[1],
          ...result,
          note: `sealer caught up ${sealWait.toFixed(1)} s after the appends`,
        });
      }
      {
        const pool = new pg.Pool({ connectionString: emmettUrl, max: 1 });
        const read = emmettReader(pool, emmettUrl);
        const result = await timeReads(emmettUrl, ['emt_messages'], async (positions) => {
          let after = 0n;
          let events = 0;
          for (;;) {
            const batch = await read(after, READ_PAGE);
            if (batch.messages.length === 0) return events;
            if (positions) {
              for (const m of batch.messages) positions.add(String(m.metadata.globalPosition));
            }
            after = batch.currentGlobalPosition;
            events += batch.messages.length;
            tick(batch.messages.length, 'Emmett');
          }
        });
        await pool.end();
        reads.push({
          label: 'Emmett: readMessagesBatch({ after, batchSize: 1000 })',
          logSize: sizes[2],
          ...result,
          note: '',
        });
      }
      readBar.stop();
      const readRate = (r: ReadResult, pass: 'asFound' | 'analyzed') =>
        r[pass].events / r[pass].seconds;
      print(
        '',
        formatTable(
          [
            'Whole-log reads (events/s)',
            'as found',
            'after ANALYZE',
            'log size',
            'seconds',
            'note',
          ],
          reads.map((r) => [
            r.label,
            rate(readRate(r, 'asFound')),
            rate(readRate(r, 'analyzed')),
            rate(r.logSize),
            `${r.asFound.seconds.toFixed(1)} / ${r.analyzed.seconds.toFixed(1)}`,
            [
              r.note,
              r.asFound.events > r.unique
                ? `${rate(r.asFound.events - r.unique)} returned twice`
                : '',
              r.unique < r.logSize ? `${rate(r.logSize - r.unique)} never returned` : '',
            ]
              .filter(Boolean)
              .join('; '),
          ]),
        ),
        `"as found": first pass, with whatever statistics autovacuum had gathered; then ANALYZE and a second pass.`,
        `after ANALYZE: ours / raw: ${ratio(readRate(reads[1], 'analyzed'), readRate(reads[0], 'analyzed'))}` +
          `  ours / Emmett: ${ratio(readRate(reads[1], 'analyzed'), readRate(reads[2], 'analyzed'))}` +
          `   as found: ours / raw: ${ratio(readRate(reads[1], 'asFound'), readRate(reads[0], 'asFound'))}` +
          `  ours / Emmett: ${ratio(readRate(reads[1], 'asFound'), readRate(reads[2], 'asFound'))}`,
      );
    }
    // ------------------------------------------------------------ late commits
    if (PHASES.has('late')) {
      const kinds = ['raw', 'ours', 'emmett'] as const;
      const lateTotal = kinds.length * LATE_WRITERS * LATE_TRANSACTIONS_PER_WRITER;
      const lateBar = phaseBar('late-commit test', lateTotal);
      let transactions = 0;
      const lateRows: LateCommitRow[] = [];
      for (const kind of kinds) {
        lateRows.push(
          ...(await lateCommitTest(server, kind, LATE_TRANSACTIONS_PER_WRITER, () =>
            lateBar.update(++transactions, `${kind}: ${transactions} transactions`),
          )),
        );
      }
      lateBar.stop();
      print(
        '',
        formatTable(
          [
            'Late-commit test',
            'committed',
            'rolled back',
            'delivered',
            'while writing',
            'result',
            'seconds',
          ],
          lateRows.map((r) => [
            r.label,
            rate(r.committed),
            rate(r.rolledBack),
            rate(r.delivered),
            rate(r.whileWriting),
            `missed ${r.missed} / duplicated ${r.duplicated} / out-of-order streams ${r.outOfOrderStreams}` +
              (r.phantom > 0 ? ` / rolled-back seen ${r.phantom}` : ''),
            r.seconds.toFixed(1),
          ]),
        ),
        `${LATE_WRITERS} writers x ${LATE_TRANSACTIONS_PER_WRITER} transactions, one event each, own stream per writer; ` +
          `0-20 ms sleep before COMMIT, 1% ROLLBACK; followers checkpoint by their store's own position, batches of 50.`,
        ...lateRows.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`),
      );
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
