import { LOG_SOURCE, type Projection, topicsOf } from '@soc/messaging';
import type pg from 'pg';
import { type CliContext, CliError } from './projection-commands.js';

/** Where the log and each projection stand, and how the tool prints it. */

export async function requireDeliverySchema(pool: pg.Pool): Promise<void> {
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

export interface CheckpointState {
  source: string;
  partition: number;
  position: number;
  globalPosition: number;
}

export interface ProjectionState {
  active: { generation: number; schema: string } | null;
  /** The active generation was built by another shape of the projection than this code's. */
  reshaped: boolean;
  building: number[];
  checkpoints: CheckpointState[];
  /** Events of the log the projection has not (certainly) applied; null when not set up. */
  lag: number | null;
  deadLetters: number;
}

export interface LogState {
  head: number;
  relayPublished: number;
}

export async function logState({ pool, store }: CliContext): Promise<LogState> {
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
export async function projectionState(
  { pool, topicPrefix }: CliContext,
  projection: Projection,
  log: LogState,
): Promise<ProjectionState> {
  const { rows: generations } = await pool.query<{
    generation: number;
    schema_name: string;
    status: string;
    fingerprint: string | null;
  }>(
    `SELECT generation, schema_name, status, fingerprint FROM delivery.projection_generations
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
    reshaped:
      active !== undefined &&
      projection.fingerprint !== undefined &&
      active.fingerprint !== projection.fingerprint,
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
export async function unregistered(
  pool: pg.Pool,
  projections: readonly Projection[],
): Promise<string[]> {
  const { rows } = await pool.query<{ projection: string }>(
    `SELECT DISTINCT projection FROM delivery.projection_generations
      WHERE NOT (projection = ANY($1::text[])) ORDER BY projection`,
    [projections.map((p) => p.name)],
  );
  return rows.map((r) => r.projection);
}

export const count = (n: number) => n.toLocaleString('en-GB');

/** Rows as a table with padded columns: first column left-aligned, numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
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

export function generationLabel(state: ProjectionState): string {
  if (!state.active) return 'none: not set up';
  return (
    `${state.active.generation} (${state.active.schema})` +
    (state.reshaped ? ', built by another shape' : '') +
    (state.building.length > 0 ? `, building ${state.building.join(', ')}` : '')
  );
}
