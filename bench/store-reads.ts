import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  emmettReader,
  openOurStore,
  organisationData,
  type Contender,
  type OrganisationData,
  type StoreKind,
} from './contenders.js';
import { phaseBar, type Progress } from './progress.js';
import { benchPool, stockTypes, type BenchServer } from './server.js';
import { config, seededRandom, shuffled } from './store-config.js';
import { formatTable, median, medianRate, rate } from './table.js';

const FILL_WRITERS = 16;
const FILL_EVENTS_PER_APPEND = 10;

/** Reads the whole log once, page by page; `seen` (when given) collects each event's position. */
type ReadAll = (seen: string[] | null, tick: (n: number) => void) => Promise<number>;

interface Reader {
  readonly label: string;
  readonly read: ReadAll;
  readonly note: string;
  close(): Promise<void>;
}

/**
 * Appends `payloads` in order, ten events per append from 16 writers, each append a new stream:
 * every store gets the same events in the same streams' shapes.
 */
async function fill(
  contender: Contender,
  url: string,
  payloads: readonly OrganisationData[],
  onProgress: (events: number) => void,
): Promise<void> {
  const appender = await contender.open(url, FILL_WRITERS);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: FILL_WRITERS }, async () => {
        while (next < payloads.length) {
          const from = next;
          next += FILL_EVENTS_PER_APPEND;
          await appender.append(payloads.slice(from, from + FILL_EVENTS_PER_APPEND));
          onProgress(Math.min(next, payloads.length));
        }
      }),
    );
  } finally {
    await appender.close();
  }
}

async function vacuumAnalyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE)');
  } finally {
    await client.end();
  }
}

function rawReader(url: string): Reader {
  const pool = benchPool({ connectionString: url, max: 1, types: stockTypes });
  return {
    label: `raw: WHERE seq > $1 ORDER BY seq LIMIT ${config.readPage}`,
    note: '',
    async read(seen, tick) {
      let after = '0';
      let events = 0;
      for (;;) {
        const { rows } = await pool.query<{ seq: string }>({
          name: 'raw-read',
          text: `SELECT * FROM raw_events WHERE seq > $1 ORDER BY seq LIMIT ${config.readPage}`,
          values: [after],
        });
        if (rows.length === 0) return events;
        if (seen) for (const row of rows) seen.push(row.seq);
        after = rows[rows.length - 1].seq;
        events += rows.length;
        tick(rows.length);
      }
    },
    close: () => pool.end(),
  };
}

async function ourReader(url: string, size: number): Promise<Reader> {
  const open = openOurStore(url, 3);
  const sealStart = performance.now();
  while ((await open.store.headPosition()) < size) await sleep(20);
  const sealWait = (performance.now() - sealStart) / 1000;
  return {
    label: `ours: readAll({ after, limit: ${config.readPage} })`,
    note: `sealer caught up ${sealWait.toFixed(1)} s after the appends`,
    async read(seen, tick) {
      let after = 0;
      let events = 0;
      for (;;) {
        const batch = await open.store.readAll({ after, limit: config.readPage });
        if (batch.length === 0) return events;
        if (seen) for (const e of batch) seen.push(String(e.globalPosition));
        after = batch[batch.length - 1].globalPosition!;
        events += batch.length;
        tick(batch.length);
      }
    },
    close: () => open.close(),
  };
}

function emmettLogReader(url: string): Reader {
  const pool = benchPool({ connectionString: url, max: 1 });
  const readBatch = emmettReader(pool, url);
  return {
    label: `Emmett: readMessagesBatch({ after, batchSize: ${config.readPage} })`,
    note: '',
    async read(seen, tick) {
      let after = 0n;
      let events = 0;
      for (;;) {
        const batch = await readBatch(after, config.readPage);
        if (batch.messages.length === 0) return events;
        if (seen) for (const m of batch.messages) seen.push(String(m.metadata.globalPosition));
        after = batch.currentGlobalPosition;
        events += batch.messages.length;
        tick(batch.messages.length);
      }
    },
    close: () => pool.end(),
  };
}

interface ReadResult {
  readonly reader: Reader;
  /** Events/s of each timed pass. */
  readonly rates: number[];
  readonly returned: number;
  readonly unique: number;
}

async function check(reader: Reader, tick: (n: number) => void): Promise<ReadResult> {
  const seen: string[] = [];
  await reader.read(seen, tick);
  return { reader, rates: [], returned: seen.length, unique: new Set(seen).size };
}

/**
 * Fills one log per reader with the same events (fresh databases from the templates), then
 * VACUUM (ANALYZE) on each, one untimed pass that also counts events returned twice or never,
 * and `config.repeats` timed passes, the readers in a new shuffled order each round.
 */
export async function readPhase(
  server: BenchServer,
  templates: Record<StoreKind, string>,
  fillers: { raw: Contender; ours: Contender; emmett: Contender },
  print: (...lines: string[]) => void,
): Promise<void> {
  const size = config.readEvents;
  const payloads = Array.from({ length: size }, organisationData);
  const kinds: StoreKind[] = ['raw', 'ours', 'emmett'];
  const urls = {} as Record<StoreKind, string>;
  const fillBar = phaseBar('reads: fill', kinds.length * size);
  for (const [index, kind] of kinds.entries()) {
    urls[kind] = await server.createDatabase(templates[kind]);
    await fill(fillers[kind], urls[kind], payloads, (n) =>
      fillBar.update(index * size + n, fillers[kind].label),
    );
    await vacuumAnalyze(urls[kind]);
  }
  fillBar.stop();

  const readers = [
    rawReader(urls.raw),
    await ourReader(urls.ours, size),
    emmettLogReader(urls.emmett),
  ];
  const bar: Progress = phaseBar('reads', readers.length * size * (config.repeats + 1));
  let read = 0;
  const tick = (label: string) => (n: number) => bar.update((read += n), label);
  const results: ReadResult[] = [];
  try {
    for (const reader of readers)
      results.push(await check(reader, tick(`${reader.label} (check)`)));
    const random = seededRandom(config.seed + 1);
    for (let round = 1; round <= config.repeats; round++) {
      for (const reader of shuffled(readers, random)) {
        const start = performance.now();
        const events = await reader.read(null, tick(`${round}/${config.repeats} ${reader.label}`));
        results[readers.indexOf(reader)].rates.push(events / ((performance.now() - start) / 1000));
      }
    }
  } finally {
    bar.stop();
    for (const reader of readers) await reader.close();
    for (const kind of kinds) await server.dropDatabase(urls[kind]);
  }

  const [raw, ours, emmett] = results.map((r) => median(r.rates));
  print(
    '',
    formatTable(
      [
        `Whole-log reads, events/s (median of ${config.repeats}${config.repeats > 1 ? ' ± half the range' : ''})`,
        'events/s',
        'log size',
        'note',
      ],
      results.map((r) => [
        r.reader.label,
        medianRate(r.rates),
        rate(size),
        [
          r.reader.note,
          r.returned > r.unique ? `${rate(r.returned - r.unique)} returned twice` : '',
          r.unique < size ? `${rate(size - r.unique)} never returned` : '',
        ]
          .filter(Boolean)
          .join('; '),
      ]),
    ),
    `Each log: the same ${rate(size)} events (${FILL_EVENTS_PER_APPEND} per stream), then VACUUM (ANALYZE) ` +
      `and one untimed pass that checks what comes back. ours / raw: ${(ours / raw).toFixed(2)}` +
      `  ours / Emmett: ${(ours / emmett).toFixed(2)}`,
  );
}
