import { organisationData, type Appender, type Contender, type StoreKind } from './contenders.js';
import { cpuSince, cpuSnapshot, type CpuUse } from './cpu.js';
import { phaseBar } from './progress.js';
import type { BenchServer } from './server.js';
import { config, seededRandom, shuffled, topWriters } from './store-config.js';
import { formatTable, median, medianRate, ratioRange } from './table.js';

export interface Drive {
  events: number;
  seconds: number;
  /** Appends that should have answered with a position and did not (a position wait timed out). */
  late: number;
}

interface CellResult extends Drive {
  cpu: CpuUse;
  checkpointed: boolean;
  /** Sessions of other databases on the server, the most seen at the start or end of the cell. */
  otherSessions: number;
}

/**
 * Runs `writers` loops of appends of `eventsPerAppend` new events each (new data every append,
 * made inside the loop for every contender alike) until `stop()` says so.
 */
export async function drive(
  appender: Appender,
  writers: number,
  eventsPerAppend: number,
  stop: (appended: number) => boolean,
  answersWithPosition = false,
): Promise<Drive> {
  let events = 0;
  let late = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (!stop(events)) {
        const data = Array.from({ length: eventsPerAppend }, organisationData);
        const position = await appender.append(data);
        events += eventsPerAppend;
        if (answersWithPosition && position === null) late++;
      }
    }),
  );
  return { events, seconds: (performance.now() - start) / 1000, late };
}

/**
 * One cell in a database of its own, copied from the contender's empty template and dropped
 * afterwards: every cell starts from the same empty tables, whatever ran before it, and nothing
 * grows from cell to cell. A checkpoint before each cell keeps one cell's dirty pages out of the
 * next one's time.
 */
async function runCell(
  server: BenchServer,
  templates: Record<StoreKind, string>,
  contender: Contender,
  writers: number,
  eventsPerAppend: number,
  onTick: (fraction: number, events: number) => void,
): Promise<CellResult> {
  const url = await server.createDatabase(templates[contender.kind]);
  try {
    const checkpointed = await server.checkpoint();
    const sessionsBefore = await server.otherSessions(url);
    const appender = await contender.open(url, writers);
    try {
      const warmupEnd = performance.now() + config.warmupSeconds * 1000;
      await drive(appender, writers, eventsPerAppend, () => performance.now() >= warmupEnd);
      const start = performance.now();
      const end = start + config.seconds * 1000;
      let appended = 0;
      const ticker = setInterval(
        () => onTick((performance.now() - start) / (config.seconds * 1000), appended),
        200,
      );
      const cpuStart = cpuSnapshot();
      try {
        const result = await drive(
          appender,
          writers,
          eventsPerAppend,
          (events) => {
            appended = events;
            return performance.now() >= end;
          },
          contender.answersWithPosition,
        );
        const cpu = cpuSince(cpuStart);
        const otherSessions = Math.max(sessionsBefore, await server.otherSessions(url));
        return { ...result, cpu, checkpointed, otherSessions };
      } finally {
        clearInterval(ticker);
      }
    } finally {
      await appender.close();
    }
  } finally {
    await server.dropDatabase(url);
  }
}

interface Cell {
  readonly contender: Contender;
  readonly shape: number;
  readonly writers: number;
}

const perAppend = (shape: number) => `${shape} event${shape > 1 ? 's' : ''}/append`;
const writersLabel = (w: number) => `${w} writer${w > 1 ? 's' : ''}`;

/** Measures every cell `config.repeats` times, each repetition in a new shuffled order, then prints the tables. */
export async function appendPhase(
  server: BenchServer,
  templates: Record<StoreKind, string>,
  contenders: {
    all: readonly Contender[];
    /** The rows whose ratios are printed one by one: what a command of this store can answer with. */
    headlines: readonly Contender[];
    rawGrouped: Contender;
    rawPlain: Contender;
    emmett: Contender;
  },
  print: (...lines: string[]) => void,
): Promise<void> {
  const cells: Cell[] = config.shapes.flatMap((shape) =>
    config.writers.flatMap((writers) =>
      contenders.all.map((contender) => ({ contender, shape, writers })),
    ),
  );
  const random = seededRandom(config.seed);
  const order = Array.from({ length: config.repeats }, () => shuffled(cells, random));
  const results = new Map<Cell, CellResult[]>(cells.map((cell) => [cell, []]));
  const bar = phaseBar('appends', cells.length * config.repeats * 100);
  let done = 0;
  for (const [repetition, cellsInOrder] of order.entries()) {
    for (const cell of cellsInOrder) {
      const name =
        `${repetition + 1}/${config.repeats} ${cell.contender.label}, ` +
        `${perAppend(cell.shape)}, ${writersLabel(cell.writers)}`;
      const result = await runCell(
        server,
        templates,
        cell.contender,
        cell.writers,
        cell.shape,
        (fraction, events) =>
          bar.update(done * 100 + Math.floor(Math.min(1, fraction) * 100), `${name}: ${events}`),
      );
      results.get(cell)!.push(result);
      bar.update(++done * 100, name);
    }
  }
  bar.stop();

  const cellOf = (contender: Contender, shape: number, writers: number) =>
    cells.find((c) => c.contender === contender && c.shape === shape && c.writers === writers)!;
  /** Events/s of a cell, one value per repetition (in repetition order). */
  const rates = (contender: Contender, shape: number, writers: number) =>
    results.get(cellOf(contender, shape, writers))!.map((r) => r.events / r.seconds);
  /** Per-repetition ratios at the top writer count: each repetition against itself. */
  const ratios = (contender: Contender, baseline: Contender, shape: number) => {
    const mine = rates(contender, shape, topWriters);
    const theirs = rates(baseline, shape, topWriters);
    return mine.map((value, r) => value / theirs[r]);
  };
  const baselines: [string, Contender][] = [
    ['raw grouped', contenders.rawGrouped],
    ['raw plain', contenders.rawPlain],
    ['Emmett', contenders.emmett],
  ];
  print(
    '',
    formatTable(
      [
        `Appends, events/s (median of ${config.repeats}${config.repeats > 1 ? ' ± half the range' : ''})`,
        ...config.writers.map(writersLabel),
        ...baselines.map(([name]) => `/ ${name} @${topWriters}`),
      ],
      config.shapes.flatMap((shape) =>
        contenders.all.map((contender) => [
          `${contender.label}, ${perAppend(shape)}`,
          ...config.writers.map((w) => medianRate(rates(contender, shape, w))),
          ...baselines.map(([, baseline]) => median(ratios(contender, baseline, shape)).toFixed(2)),
        ]),
      ),
    ),
    `Ratios: median of the per-repetition ratios (each repetition's cells against each other).`,
  );
  for (const shape of config.shapes) {
    for (const headline of contenders.headlines) {
      print(
        `${perAppend(shape)} @${topWriters}, ${headline.label}: ` +
          baselines
            .map(([name, baseline]) => `/ ${name} ${ratioRange(ratios(headline, baseline, shape))}`)
            .join(', ') +
          (config.repeats > 1 ? '   (median, lowest-highest repetition)' : ''),
      );
    }
  }
  print(
    '',
    formatTable(
      [
        'CPU: node ms per 1,000 events (machine busy), medians',
        ...config.writers.map(writersLabel),
      ],
      config.shapes.flatMap((shape) =>
        contenders.all.map((contender) => [
          `${contender.label}, ${perAppend(shape)}`,
          ...config.writers.map((w) => {
            const runs = results.get(cellOf(contender, shape, w))!;
            const ms = median(runs.map((r) => (r.cpu.nodeSeconds * 1e6) / r.events));
            const busy = runs.map((r) => r.cpu.machineBusy).filter((b): b is number => b !== null);
            return `${ms.toFixed(0)} (${busy.length > 0 ? `${Math.round(median(busy) * 100)}%` : '?'})`;
          }),
        ]),
      ),
    ),
  );
  const late = cells
    .map((cell) => ({ cell, late: results.get(cell)!.reduce((sum, r) => sum + r.late, 0) }))
    .filter((c) => c.late > 0);
  if (late.length > 0) {
    print(
      'appends answered without a position (the wait timed out): ' +
        late
          .map(
            ({ cell, late: n }) =>
              `${cell.contender.label}, ${perAppend(cell.shape)}, ${writersLabel(cell.writers)}: ${n}`,
          )
          .join('; '),
    );
  }
  const all = [...results.values()].flat();
  const checkpoints = all.every((r) => r.checkpointed);
  const others = Math.max(...all.map((r) => r.otherSessions));
  if (others > 0) {
    print(
      `Other work on this server: up to ${others} sessions of other databases during the cells. ` +
        `Their open transactions hold back the oldest-running-transaction horizon of the whole ` +
        `server, which the sealer waits for: "ours, awaiting" pays for them. Figures need a server ` +
        `of their own (the embedded one: no DATABASE_URL).`,
    );
  }
  print(
    `Each cell: a fresh copy of an empty database, ${checkpoints ? 'a CHECKPOINT, ' : '(CHECKPOINT not permitted) '}` +
      `${config.warmupSeconds} s warm-up, ${config.seconds} s measured; order shuffled per repetition, seed ${config.seed}.`,
    `Every append answers with where its write stands: raw its seq (RETURNING seq, not in commit ` +
      `order), ours awaiting and Emmett the last event's global position, ours with a token the ` +
      `consistency token (at commit; a read given it waits for the position).`,
    `Pools: raw plain = writers; raw grouped = 2 (statements in flight, as the store's default), ` +
      `at most 64 rows per statement; ours = max(writers, 4) + 2 (sealer included); Emmett = writers.`,
  );
}
