import 'reflect-metadata';
import { allEventContracts } from '@soc/contracts';
import { directoryProjection } from '@soc/directory';
import { EventStore, EventTypeRegistry, GlobalLogSealer } from '@soc/event-store';
import {
  ensureProjection,
  ProjectionApplier,
  rebuildProjection,
  type Projection,
} from '@soc/messaging';
import { InvalidEnvironmentError, resolveDatabase, validateEnv } from '@soc/platform';
import cliProgress from 'cli-progress';
import pg from 'pg';

/** Every projection the code knows: the ones `status` lists and the names the commands accept. */
export const projections: readonly Projection[] = [directoryProjection];

const USAGE = `Usage: npm run projections -- <command>

Commands:
  status                    each projection: active generation, checkpoints, lag, relay position,
                            dead letters waiting
  rebuild <name>            build a new generation from the whole log, then switch to it
  dead-letters <name>       dead letters not replayed yet
  replay <name> <id|all>    apply dead letters again (after a fix) and mark them replayed

Projections: ${projections.map((p) => p.name).join(', ')}
`;

/** Thrown for a mistake on the command line: the usage is shown and the exit code is 2. */
class UsageError extends Error {}

/** A problem the user can fix, reported without a stack trace. */
class CliError extends Error {}

interface Context {
  pool: pg.Pool;
  store: EventStore;
  registry: EventTypeRegistry;
}

function projectionNamed(name: string | undefined): Projection {
  if (!name) throw new UsageError('Which projection? Give its name.');
  const projection = projections.find((p) => p.name === name);
  if (!projection) {
    throw new UsageError(
      `Unknown projection ${JSON.stringify(name)}; known: ${projections.map((p) => p.name).join(', ')}`,
    );
  }
  return projection;
}

/** Prints rows as a table with padded columns: first column left-aligned, numbers right-aligned. */
function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.every((row) => /^[-\d,.]*$/.test(row[c] ?? '')));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('   ')
      .trimEnd();
  console.log(
    [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n'),
  );
}

const count = (n: number) => n.toLocaleString('en-GB');

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

async function status({ pool, store }: Context): Promise<number> {
  const head = await store.headPosition();
  const { rows: relay } = await pool.query<{ global_position: string }>(
    'SELECT global_position FROM delivery.relay_position',
  );
  const published = relay[0] ? count(Number(relay[0].global_position)) : 'n/a';
  const rows: string[][] = [];
  for (const projection of projections) {
    const { rows: generations } = await pool.query<{ generation: number; schema_name: string }>(
      `SELECT generation, schema_name FROM delivery.projection_generations
        WHERE projection = $1 AND status = 'active'`,
      [projection.name],
    );
    const { rows: building } = await pool.query<{ generation: number }>(
      `SELECT generation FROM delivery.projection_generations
        WHERE projection = $1 AND status = 'building' ORDER BY generation`,
      [projection.name],
    );
    const { rows: letters } = await pool.query<{ waiting: string }>(
      `SELECT count(*) AS waiting FROM delivery.dead_letters
        WHERE projection = $1 AND replayed_at IS NULL`,
      [projection.name],
    );
    const active = generations[0];
    const generation = active
      ? `${active.generation} (${active.schema_name})` +
        (building.length > 0 ? `, building ${building.map((b) => b.generation).join(', ')}` : '')
      : 'none: not set up';
    const { rows: checkpoints } = active
      ? await pool.query<{
          source: string;
          partition: number;
          position: string;
          global_position: string;
        }>(
          `SELECT source, partition, position, global_position FROM delivery.projection_checkpoints
            WHERE projection = $1 AND generation = $2 ORDER BY source, partition`,
          [projection.name, active.generation],
        )
      : { rows: [] };
    const first = [projection.name, generation];
    const tail = [count(head), published, count(Number(letters[0].waiting))];
    if (checkpoints.length === 0) {
      rows.push([...first, active ? '(none yet)' : '', '', '', active ? count(head) : '', ...tail]);
    }
    checkpoints.forEach((c, i) => {
      const reached = c.source === 'log' ? Number(c.position) : Number(c.global_position);
      rows.push([
        ...(i === 0 ? first : ['', '']),
        `${c.source}[${c.partition}]`,
        count(Number(c.position)),
        count(Number(c.global_position)),
        count(Math.max(0, head - reached)),
        ...(i === 0 ? tail : ['', '', '']),
      ]);
    });
  }
  printTable(
    [
      'projection',
      'active generation',
      'checkpoint',
      'position',
      'global position',
      'lag (events)',
      'log head',
      'relay published',
      'dead letters',
    ],
    rows,
  );
  return 0;
}

async function rebuild({ pool, store }: Context, projection: Projection): Promise<number> {
  await ensureProjection(pool, projection);
  const bar = new cliProgress.SingleBar(
    {
      format: `rebuilding ${projection.name} |{bar}| {value}/{total} events | {speed} events/s | eta {eta_formatted}`,
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(Math.max(1, await store.headPosition()), 0, { speed: 0 });
  let result;
  try {
    result = await rebuildProjection(pool, store, projection, {
      onProgress: ({ applied, head }) => {
        bar.setTotal(Math.max(head, applied, 1));
        bar.update(applied, {
          speed: Math.round(applied / Math.max((performance.now() - started) / 1000, 0.001)),
        });
      },
    });
  } finally {
    bar.stop();
  }
  printTable(
    ['rebuilt', 'generation', 'events', 'seconds', 'events/s'],
    [
      [
        projection.name,
        `${result.generation} (${result.schema})`,
        count(result.events),
        result.seconds.toFixed(1),
        count(Math.round(result.events / Math.max(result.seconds, 0.001))),
      ],
    ],
  );
  return 0;
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

async function deadLetters({ pool }: Context, projection: Projection): Promise<number> {
  const letters = await waitingLetters(pool, projection);
  if (letters.length === 0) {
    console.log(`No dead letters waiting for ${projection.name}.`);
    return 0;
  }
  const oneLine = (text: string) => text.replace(/\s+/g, ' ');
  printTable(
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
  );
  console.log(`${letters.length} dead letter(s) waiting for ${projection.name}.`);
  return 0;
}

async function replay(
  { pool, registry }: Context,
  projection: Projection,
  which: string,
): Promise<number> {
  const ids =
    which === 'all'
      ? (await waitingLetters(pool, projection)).map((l) => Number(l.id))
      : [Number(which)];
  if (ids.length === 0) {
    console.log(`No dead letters waiting for ${projection.name}.`);
    return 0;
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
  printTable(['dead letter', 'outcome'], rows);
  return failed > 0 ? 1 : 0;
}

type Command = (context: Context) => Promise<number>;

/** Checks the command line before anything connects; returns what to run. */
function parse(args: readonly string[]): Command | null {
  const [command, name, which] = args;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
      return null;
    case 'status':
      return status;
    case 'rebuild': {
      const projection = projectionNamed(name);
      return (context) => rebuild(context, projection);
    }
    case 'dead-letters': {
      const projection = projectionNamed(name);
      return (context) => deadLetters(context, projection);
    }
    case 'replay': {
      const projection = projectionNamed(name);
      if (which !== 'all' && !/^[1-9]\d*$/.test(which ?? '')) {
        throw new UsageError('replay needs a dead letter id (see dead-letters) or "all".');
      }
      return (context) => replay(context, projection, which);
    }
    default:
      throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
  }
}

async function main(): Promise<number> {
  let run: Command | null;
  try {
    run = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n`);
    console.error(USAGE);
    return 2;
  }
  if (!run) {
    console.log(USAGE);
    return 0;
  }
  const env = validateEnv(process.env);
  const database = await resolveDatabase(env);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // Nothing here appends, so the sealer is not started; the store only needs one to exist.
  const sealer = new GlobalLogSealer(pool);
  const registry = new EventTypeRegistry(allEventContracts);
  const store = new EventStore(pool, registry, sealer);
  try {
    await requireDeliverySchema(pool);
    return await run({ pool, store, registry });
  } finally {
    await sealer.stop();
    await pool.end();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof InvalidEnvironmentError || error instanceof CliError ? error.message : error,
    );
    process.exit(1);
  },
);
