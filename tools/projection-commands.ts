import type { EventStore, EventTypeRegistry } from '@soc/event-store';
import {
  ensureProjection,
  LOG_SOURCE,
  ProjectionApplier,
  rebuildProjection,
  topicsOf,
  type Projection,
  type RebuildResult,
} from '@soc/messaging';
import cliProgress from 'cli-progress';
import type pg from 'pg';

/** `check` fails a projection further behind the log head than this, unless `--max-lag` says. */
export const DEFAULT_MAX_LAG = 1000;

/** How often a rebuild writes a progress line when stderr is not a terminal (CI, a log file). */
const PLAIN_PROGRESS_EVERY_MS = 5000;

/** Exit codes: 1 when a check fails or a command did not finish, 2 for a bad command line. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  /** Where rebuild progress goes: a redrawn bar on a terminal, a plain line now and then elsewhere. */
  progress: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface CliContext {
  pool: pg.Pool;
  store: EventStore;
  registry: EventTypeRegistry;
  /** Topics of a projection fed over Kafka are `<prefix>.<context>.events`. */
  topicPrefix: string;
}

export interface CliOptions {
  /** The projections the application registers: the ones listed, checked and rebuilt. */
  projections: readonly Projection[];
  output: CliOutput;
  /** Called only once the command line is known to be good. */
  connect(): Promise<CliContext & { close(): Promise<void> }>;
}

export function usage(projections: readonly Projection[]): string {
  return `Usage: npm run projections -- <command>

Commands:
  status                    each registered projection: active generation, lag, dead letters
                            waiting, checkpoints
  check [--max-lag <n>]     exit 1 unless every registered projection is set up in the
                            database, at most <n> events behind the log head (default
                            ${DEFAULT_MAX_LAG}) and without dead letters waiting
  rebuild [--all]           rebuild every registered projection in turn
  rebuild <name>...         build a new generation from the whole log, then switch to it
  dead-letters <name>       dead letters not replayed yet
  replay <name> <id|all>    apply dead letters again (after a fix) and mark them replayed

Lag: events of the log the projection has not applied yet. Over Kafka it counts from the slowest
partition, which is behind until it has applied everything the relay published to it: an upper
bound. Exit codes: 0 fine, 1 a check failed or a command did not finish, 2 a bad command line (an
unknown projection, say).

Projections: ${projections.map((p) => p.name).join(', ')}
`;
}

/** A mistake on the command line: the usage is shown and the exit code is 2. */
export class UsageError extends Error {}

/** A problem the user can fix, reported without a stack trace. */
export class CliError extends Error {}

type Command = (context: CliContext, run: Run) => Promise<number>;

interface Run {
  projections: readonly Projection[];
  output: CliOutput;
}

/**
 * Runs one command line against the registered projections and answers its exit code. The
 * command line is checked before anything connects.
 */
export async function runProjectionsCli(
  args: readonly string[],
  { projections, output, connect }: CliOptions,
): Promise<number> {
  let command: Command | null;
  try {
    command = parse(args, projections);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`${error.message}\n`);
    output.err(usage(projections));
    return EXIT.usage;
  }
  if (!command) {
    output.out(usage(projections));
    return EXIT.ok;
  }
  const context = await connect();
  try {
    await requireDeliverySchema(context.pool);
    return await command(context, { projections, output });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    output.err(error.message);
    return EXIT.failed;
  } finally {
    await context.close();
  }
}

function parse(args: readonly string[], projections: readonly Projection[]): Command | null {
  const [command, ...rest] = args;
  const named = (name: string | undefined): Projection => {
    if (!name) throw new UsageError('Which projection? Give its name.');
    const projection = projections.find((p) => p.name === name);
    if (!projection) {
      throw new UsageError(
        `Unknown projection ${JSON.stringify(name)}; known: ${projections.map((p) => p.name).join(', ')}`,
      );
    }
    return projection;
  };
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
      return null;
    case 'status':
      if (rest.length > 0) throw new UsageError('status takes no arguments.');
      return status;
    case 'check': {
      const maxLag = parseMaxLag(rest);
      return (context, run) => check(context, run, maxLag);
    }
    case 'rebuild': {
      if (rest.includes('--all') && rest.length > 1) {
        throw new UsageError('rebuild takes --all or projection names, not both.');
      }
      const chosen =
        rest.length === 0 || rest[0] === '--all'
          ? projections
          : [...new Set(rest)].map((name) => named(name));
      return (context, run) => rebuild(context, run, chosen);
    }
    case 'dead-letters': {
      const projection = named(rest[0]);
      return (context, run) => deadLetters(context, run, projection);
    }
    case 'replay': {
      const projection = named(rest[0]);
      const which = rest[1];
      if (which !== 'all' && !/^[1-9]\d*$/.test(which ?? '')) {
        throw new UsageError('replay needs a dead letter id (see dead-letters) or "all".');
      }
      return (context, run) => replay(context, run, projection, which);
    }
    default:
      throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  }
}

function parseMaxLag(args: readonly string[]): number {
  if (args.length === 0) return DEFAULT_MAX_LAG;
  const value =
    args[0] === '--max-lag' && args.length === 2
      ? args[1]
      : args.length === 1 && args[0].startsWith('--max-lag=')
        ? args[0].slice('--max-lag='.length)
        : null;
  if (value === null || !/^\d+$/.test(value)) {
    throw new UsageError('check takes only --max-lag <events>, a whole number.');
  }
  return Number(value);
}

/** Fails with a clear message when the delivery tables are missing (migrations not applied). */
async function requireDeliverySchema(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(
    `SELECT to_regclass('delivery.projection_generations') IS NOT NULL
        AND to_regclass('event_store.global_log') IS NOT NULL AS present`,
  );
  if (!rows[0].present) {
    throw new CliError(
      'This database has no event_store / delivery tables: start the application once so that ' +
        'its migrations run, or point DATABASE_URL at its database.',
    );
  }
}

interface CheckpointState {
  source: string;
  partition: number;
  position: number;
  globalPosition: number;
}

interface ProjectionState {
  active: { generation: number; schema: string } | null;
  building: number[];
  checkpoints: CheckpointState[];
  /** Events of the log the projection has not (certainly) applied; null when not set up. */
  lag: number | null;
  deadLetters: number;
}

interface LogState {
  head: number;
  relayPublished: number;
}

async function logState({ pool, store }: CliContext): Promise<LogState> {
  const { rows } = await pool.query<{ global_position: string }>(
    'SELECT global_position FROM delivery.relay_position',
  );
  return {
    head: await store.headPosition(),
    relayPublished: Number(rows[0]?.global_position ?? 0),
  };
}

/**
 * Where a projection stands. Fed from the log, its checkpoint is a global position. Fed over
 * Kafka, a partition that has applied everything published to it is as far as the relay; one
 * that has not is only as far as its own checkpoint, and the projection as far as its slowest
 * partition (or its log checkpoint, the point a rebuild left it at, when that is further).
 */
async function projectionState(
  { pool, topicPrefix }: CliContext,
  projection: Projection,
  log: LogState,
): Promise<ProjectionState> {
  const { rows: generations } = await pool.query<{
    generation: number;
    schema_name: string;
    status: string;
  }>(
    `SELECT generation, schema_name, status FROM delivery.projection_generations
      WHERE projection = $1 AND status IN ('active', 'building') ORDER BY generation`,
    [projection.name],
  );
  const { rows: letters } = await pool.query<{ waiting: string }>(
    `SELECT count(*) AS waiting FROM delivery.dead_letters
      WHERE projection = $1 AND replayed_at IS NULL`,
    [projection.name],
  );
  const active = generations.find((g) => g.status === 'active');
  const state: ProjectionState = {
    active: active ? { generation: active.generation, schema: active.schema_name } : null,
    building: generations.filter((g) => g.status === 'building').map((g) => g.generation),
    checkpoints: [],
    lag: null,
    deadLetters: Number(letters[0].waiting),
  };
  if (!active) return state;

  const { rows: checkpoints } = await pool.query<{
    source: string;
    partition: number;
    position: string;
    global_position: string;
  }>(
    `SELECT source, partition, position, global_position FROM delivery.projection_checkpoints
      WHERE projection = $1 AND generation = $2 ORDER BY source, partition`,
    [projection.name, active.generation],
  );
  const topics = [
    ...new Set([
      ...topicsOf(projection.handles, topicPrefix),
      ...checkpoints.filter((c) => c.source !== LOG_SOURCE).map((c) => c.source),
    ]),
  ];
  const { rows: published } = await pool.query<{
    topic: string;
    partition: number;
    global_position: string;
  }>(
    `SELECT topic, partition, global_position FROM delivery.published_offsets
      WHERE topic = ANY($1::text[])`,
    [topics],
  );
  const logCheckpoint = checkpoints.find((c) => c.source === LOG_SOURCE);
  const floor = logCheckpoint ? Number(logCheckpoint.position) : 0;
  const partitionReached = (topic: string, partition: number, applied: number) => {
    const out = published.find((p) => p.topic === topic && p.partition === partition);
    return out && applied < Number(out.global_position) ? applied : log.relayPublished;
  };
  state.checkpoints = checkpoints.map((c) => ({
    source: c.source,
    partition: c.partition,
    position: Number(c.position),
    globalPosition: Number(c.global_position),
  }));
  // Partitions published to that the projection has no checkpoint for yet have applied nothing.
  const kafkaReached = Math.min(
    log.relayPublished,
    ...published.map((p) => {
      const c = checkpoints.find((c) => c.source === p.topic && c.partition === p.partition);
      return partitionReached(p.topic, p.partition, c ? Number(c.global_position) : 0);
    }),
  );
  state.lag = Math.max(0, log.head - Math.max(floor, kafkaReached));
  return state;
}

/** Projections found in the database that the application no longer registers. */
async function unregistered(pool: pg.Pool, projections: readonly Projection[]): Promise<string[]> {
  const { rows } = await pool.query<{ projection: string }>(
    `SELECT DISTINCT projection FROM delivery.projection_generations
      WHERE NOT (projection = ANY($1::text[])) ORDER BY projection`,
    [projections.map((p) => p.name)],
  );
  return rows.map((r) => r.projection);
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Rows as a table with padded columns: first column left-aligned, numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.every((row) => /^[-\d,.]*$/.test(row[c] ?? '')));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('   ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}

function generationLabel(state: ProjectionState): string {
  if (!state.active) return 'none: not set up';
  return (
    `${state.active.generation} (${state.active.schema})` +
    (state.building.length > 0 ? `, building ${state.building.join(', ')}` : '')
  );
}

async function status(context: CliContext, { projections, output }: Run): Promise<number> {
  const log = await logState(context);
  const rows: string[][] = [];
  for (const projection of projections) {
    const state = await projectionState(context, projection, log);
    const first = [
      projection.name,
      generationLabel(state),
      state.lag === null ? '' : count(state.lag),
      count(state.deadLetters),
    ];
    if (state.checkpoints.length === 0) {
      rows.push([...first, state.active ? '(none yet)' : '']);
    }
    state.checkpoints.forEach((c, i) => {
      rows.push([
        ...(i === 0 ? first : ['', '', '', '']),
        `${c.source}[${c.partition}]`,
        count(c.position),
        count(c.globalPosition),
      ]);
    });
  }
  output.out(
    `log head ${count(log.head)}, relay published ${count(log.relayPublished)}\n\n` +
      table(
        [
          'projection',
          'active generation',
          'lag (events)',
          'dead letters',
          'checkpoint',
          'position',
          'global position',
        ],
        rows,
      ),
  );
  const others = await unregistered(context.pool, projections);
  if (others.length > 0) {
    output.out(`\nIn the database but not registered (left alone): ${others.join(', ')}`);
  }
  return EXIT.ok;
}

async function check(
  context: CliContext,
  { projections, output }: Run,
  maxLag: number,
): Promise<number> {
  const log = await logState(context);
  const rows: string[][] = [];
  let failing = 0;
  for (const projection of projections) {
    const state = await projectionState(context, projection, log);
    const problems: string[] = [];
    if (!state.active) problems.push('not in the database: start the application or rebuild it');
    if (state.lag !== null && state.lag > maxLag) {
      problems.push(`${count(state.lag)} events behind (over ${count(maxLag)})`);
    }
    if (state.deadLetters > 0) problems.push(`${count(state.deadLetters)} dead letter(s) waiting`);
    if (problems.length > 0) failing++;
    rows.push([
      projection.name,
      state.active ? String(state.active.generation) : '-',
      state.lag === null ? '-' : count(state.lag),
      count(state.deadLetters),
      problems.length > 0 ? `FAIL: ${problems.join('; ')}` : 'ok',
    ]);
  }
  output.out(table(['projection', 'generation', 'lag (events)', 'dead letters', 'result'], rows));
  const others = await unregistered(context.pool, projections);
  if (others.length > 0) {
    output.out(`In the database but not registered (not checked): ${others.join(', ')}`);
  }
  output.out(
    failing === 0
      ? `All ${projections.length} projections are set up, caught up and without dead letters.`
      : `${failing} of ${projections.length} projections failed the check.`,
  );
  return failing === 0 ? EXIT.ok : EXIT.failed;
}

interface RebuildProgressReport {
  update(applied: number, head: number): void;
  finish(result: RebuildResult | null): void;
}

/** A redrawn bar on a terminal; elsewhere a plain line every few seconds and one at the end. */
function rebuildProgress(
  stream: CliOutput['progress'],
  name: string,
  head: number,
): RebuildProgressReport {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const speed = (events: number) => Math.round(events / Math.max(seconds(), 0.001));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `rebuilding ${name} |{bar}| {value}/{total} events | {speed} events/s | eta {eta_formatted}`,
        etaBuffer: 50,
        hideCursor: true,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, head), 0, { speed: 0 });
    return {
      update: (applied, total) => {
        bar.setTotal(Math.max(total, applied, 1));
        bar.update(applied, { speed: speed(applied) });
      },
      finish: () => bar.stop(),
    };
  }
  let printed = started;
  let last = 0;
  stream.write(`rebuilding ${name}: ${count(head)} events in the log\n`);
  return {
    update: (applied, total) => {
      last = applied;
      if (performance.now() - printed < PLAIN_PROGRESS_EVERY_MS) return;
      printed = performance.now();
      const percent = Math.floor((100 * applied) / Math.max(total, applied, 1));
      stream.write(
        `rebuilding ${name}: ${count(applied)} of ${count(total)} events (${percent} %), ${count(speed(applied))} events/s\n`,
      );
    },
    finish: (result) =>
      stream.write(
        result
          ? `rebuilt ${name}: ${count(result.events)} events in ${result.seconds.toFixed(1)} s, generation ${result.generation}\n`
          : `rebuild of ${name} failed after ${count(last)} events\n`,
      ),
  };
}

async function rebuild(
  context: CliContext,
  { output }: Run,
  chosen: readonly Projection[],
): Promise<number> {
  const { pool, store } = context;
  const rows: string[][] = [];
  let failed = 0;
  for (const projection of chosen) {
    await ensureProjection(pool, projection);
    const progress = rebuildProgress(output.progress, projection.name, await store.headPosition());
    let result: RebuildResult | null = null;
    try {
      result = await rebuildProjection(pool, store, projection, {
        onProgress: ({ applied, head }) => progress.update(applied, head),
      });
      rows.push([
        projection.name,
        `${result.generation} (${result.schema})`,
        count(result.events),
        result.seconds.toFixed(1),
        count(Math.round(result.events / Math.max(result.seconds, 0.001))),
      ]);
    } catch (error) {
      // The others are independent: each still gets its rebuild.
      failed++;
      output.err(
        `rebuild of ${projection.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      rows.push([projection.name, 'failed: the active generation still serves', '', '', '']);
    } finally {
      progress.finish(result);
    }
  }
  output.out(table(['rebuilt', 'generation', 'events', 'seconds', 'events/s'], rows));
  return failed === 0 ? EXIT.ok : EXIT.failed;
}

interface DeadLetterRow {
  id: string;
  source: string;
  partition: number;
  position: string;
  global_position: string | null;
  event_type: string | null;
  error: string;
  attempts: number;
  dead_at: Date;
}

async function waitingLetters(pool: pg.Pool, projection: Projection): Promise<DeadLetterRow[]> {
  const { rows } = await pool.query<DeadLetterRow>(
    `SELECT id, source, partition, position, global_position, event_type, error, attempts, dead_at
       FROM delivery.dead_letters WHERE projection = $1 AND replayed_at IS NULL ORDER BY id`,
    [projection.name],
  );
  return rows;
}

async function deadLetters(
  { pool }: CliContext,
  { output }: Run,
  projection: Projection,
): Promise<number> {
  const letters = await waitingLetters(pool, projection);
  if (letters.length === 0) {
    output.out(`No dead letters waiting for ${projection.name}.`);
    return EXIT.ok;
  }
  const oneLine = (text: string) => text.replace(/\s+/g, ' ');
  output.out(
    table(
      ['id', 'position', 'global position', 'event type', 'attempts', 'dead at', 'error'],
      letters.map((l) => [
        l.id,
        `${l.source}[${l.partition}]@${l.position}`,
        l.global_position ?? '-',
        l.event_type ?? '(unreadable)',
        String(l.attempts),
        l.dead_at.toISOString(),
        oneLine(l.error).length > 100 ? `${oneLine(l.error).slice(0, 99)}…` : oneLine(l.error),
      ]),
    ),
  );
  output.out(`${letters.length} dead letter(s) waiting for ${projection.name}.`);
  return EXIT.ok;
}

async function replay(
  { pool, registry }: CliContext,
  { output }: Run,
  projection: Projection,
  which: string,
): Promise<number> {
  const ids =
    which === 'all'
      ? (await waitingLetters(pool, projection)).map((l) => Number(l.id))
      : [Number(which)];
  if (ids.length === 0) {
    output.out(`No dead letters waiting for ${projection.name}.`);
    return EXIT.ok;
  }
  const applier = new ProjectionApplier(pool, projection, registry);
  const rows: string[][] = [];
  let failed = 0;
  for (const id of ids) {
    try {
      const outcome = await applier.replay(id);
      if (outcome === 'not-found') failed++;
      rows.push([
        String(id),
        outcome === 'not-found'
          ? `not found (no dead letter ${id} of ${projection.name} waiting)`
          : outcome,
      ]);
    } catch (error) {
      failed++;
      rows.push([String(id), `failed: ${error instanceof Error ? error.message : String(error)}`]);
    }
  }
  output.out(table(['dead letter', 'outcome'], rows));
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
