import type { EventStore, EventTypeRegistry } from '@soc/event-store';
import {
  ensureProjection,
  ProjectionApplier,
  rebuildProjection,
  type Projection,
  type RebuildResult,
} from '@soc/messaging';
import type pg from 'pg';
import {
  count,
  generationLabel,
  logState,
  projectionState,
  requireDeliverySchema,
  table,
  unregistered,
} from './projection-state.js';
import { rebuildProgress } from './projection-progress.js';

/** `check` fails a projection further behind the log head than this, unless `--max-lag` says. */
export const DEFAULT_MAX_LAG = 1000;

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
    if (state.reshaped) {
      problems.push(
        'built by another shape of it: rebuilt when the application starts, or rebuild it',
      );
    }
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
