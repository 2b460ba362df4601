import { expect } from '@jest/globals';
import type { Pool } from 'pg';

/** What the checks need of an HTTP answer (supertest's Response has it). */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * Sends each refusal in turn and checks it is a problem document with its status, and that none
 * of them appended anything (`eventCount` before and after).
 */
export async function expectRefusedWithoutAppending<R extends HttpAnswer>(
  eventCount: () => Promise<number>,
  attempts: readonly [() => Promise<R>, number][],
): Promise<R[]> {
  const before = await eventCount();
  const answers: R[] = [];
  for (const [attempt, status] of attempts) {
    const answer = await attempt();
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    answers.push(answer);
  }
  expect(await eventCount()).toBe(before);
  return answers;
}

/** A stream's events as stored (type, payload and business date), oldest first. */
export async function storedEvents(
  pool: Pool,
  streamId: string,
): Promise<{ type: string; payload: Record<string, unknown>; occurred: string }[]> {
  const { rows } = await pool.query(
    `SELECT event_type AS type, payload,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS occurred
       FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version`,
    [streamId],
  );
  return rows;
}
