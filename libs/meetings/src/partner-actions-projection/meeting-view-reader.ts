import { Inject, Injectable } from '@nestjs/common';
import { type ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import { type Clock, CLOCK, isoDate } from '@soc/platform';
import { type AccessContext, ScopedReader } from '@soc/security';
import type { PoolClient } from 'pg';
import { meetingsProjection } from './meetings.projection.js';

/**
 * How every query reads the meetings projection: once it has reached the position the query asks
 * for (bounded wait), as the caller (row-level security decides which rows exist for them), with
 * one "today" (a business date) for the whole read.
 */
@Injectable()
export class MeetingViewReader {
  constructor(
    private readonly reader: ScopedReader,
    private readonly delivery: DeliveryRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async read<T>(
    access: AccessContext,
    consistency: ConsistencyQuery,
    run: (db: PoolClient, today: string) => Promise<T>,
  ): Promise<T> {
    await this.delivery.waitForConsistency(meetingsProjection.name, consistency);
    const today = isoDate(this.clock.now());
    return this.reader.read(access, (db) => run(db, today));
  }
}

/** The `row` column of each result row, for queries that select `row_to_json(x) AS row`. */
export const rowsOf = async <T>(db: PoolClient, sql: string, params: unknown[]): Promise<T[]> =>
  (await db.query<{ row: T }>(sql, params)).rows.map((r) => r.row);
