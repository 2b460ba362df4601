import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { LOG_SOURCE } from './projection-applier.js';

/** A query asked to see at least a position and the projection did not get there in time (HTTP 503). */
export class PositionWaitTimeoutError extends Error {
  override readonly name = 'PositionWaitTimeoutError';
  readonly status = 503;
  readonly code = 'projection-behind';
  constructor(
    readonly projection: string,
    /** The position waited for, or null when the write a consistency token stands for had none yet. */
    readonly position: number | null,
    readonly waitedMs: number,
  ) {
    super(
      `The ${projection} view had not ${position === null ? 'applied the write of that consistency token' : `reached global position ${position}`} after ${waitedMs} ms; try again shortly`,
    );
  }
}

/**
 * A query asked to see a position the log has not reached (HTTP 400): no command has answered
 * with it yet, since a command's position is sealed before it answers.
 */
export class PositionNotReachedError extends Error {
  override readonly name = 'PositionNotReachedError';
  readonly status = 400;
  readonly code = 'position-not-reached';
  constructor(
    readonly position: number,
    readonly headPosition: number,
  ) {
    super(
      `Global position ${position} has not been reached by the log: the newest position is ${headPosition}`,
    );
  }
}

/** The newest sealed global position of the event store (0 for an empty log). */
export async function logHeadPosition(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ position: string | null }>(
    'SELECT max(global_position) AS position FROM event_store.global_log',
  );
  return Number(rows[0].position ?? 0);
}

/**
 * Whether a projection has applied everything up to a global position, fed from the log (its
 * checkpoint is a global position) or from Kafka (the relay has published up to it, and every
 * partition of the projection's topics has been applied up to it, or up to the newest position
 * published there when that is older).
 */
export async function hasReached(
  pool: Pool,
  projection: string,
  topics: readonly string[],
  position: number,
): Promise<boolean> {
  const { rows } = await pool.query<{ reached: boolean }>(
    `WITH active AS (
       SELECT generation FROM delivery.projection_generations
        WHERE projection = $1 AND status = 'active'),
     log AS (
       SELECT c.position FROM delivery.projection_checkpoints c, active a
        WHERE c.projection = $1 AND c.generation = a.generation AND c.source = '${LOG_SOURCE}')
     SELECT coalesce((SELECT position >= $3 FROM log), false)
         OR ((SELECT global_position >= $3 FROM delivery.relay_position)
             AND NOT EXISTS (
               SELECT 1 FROM delivery.published_offsets p
                 LEFT JOIN delivery.projection_checkpoints c
                   ON c.projection = $1 AND c.generation = (SELECT generation FROM active)
                  AND c.source = p.topic AND c.partition = p.partition
                WHERE p.topic = ANY($2::text[])
                  AND coalesce(c.global_position, 0) < least($3, p.global_position))) AS reached`,
    [projection, topics, position],
  );
  return rows[0]?.reached ?? false;
}

/**
 * Waits, bounded, until a projection has reached a global position; polls every few milliseconds.
 * A position beyond the log's newest is refused at once (PositionNotReachedError) rather than
 * waited for.
 */
export async function waitForPosition(
  pool: Pool,
  projection: string,
  topics: readonly string[],
  position: number,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  if (await hasReached(pool, projection, topics, position)) return;
  const head = await logHeadPosition(pool);
  if (position > head) throw new PositionNotReachedError(position, head);
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    if (Date.now() - started >= timeoutMs) {
      throw new PositionWaitTimeoutError(projection, position, Date.now() - started);
    }
    await sleep(Math.min(delay, Math.max(1, timeoutMs - (Date.now() - started))));
    if (await hasReached(pool, projection, topics, position)) return;
  }
}
