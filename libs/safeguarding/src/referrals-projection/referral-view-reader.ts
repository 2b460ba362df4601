import { Inject, Injectable } from '@nestjs/common';
import { type ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import { type Clock, CLOCK } from '@soc/platform';
import { type AccessContext, type AccessLogEntry, ScopedReader } from '@soc/security';
import type { PoolClient } from 'pg';
import {
  ACKNOWLEDGEMENT_HOURS,
  type AcknowledgementHours,
  type DeadlineMoment,
} from '../referral-deadlines/acknowledgement-deadline.js';
import { safeguardingProjection } from './safeguarding.projection.js';

/**
 * How every query reads the safeguarding projection: once it has reached the position the query
 * asks for (bounded wait), as the caller (row-level security decides which rows exist for them),
 * logging what personal data the answer disclosed in the same transaction; with one moment for
 * the whole read, against which every acknowledgement deadline in the answer is judged.
 */
@Injectable()
export class ReferralViewReader {
  constructor(
    private readonly reader: ScopedReader,
    private readonly delivery: DeliveryRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACKNOWLEDGEMENT_HOURS) private readonly hours: AcknowledgementHours,
  ) {}

  async read<T>(
    access: AccessContext,
    consistency: ConsistencyQuery,
    run: (db: PoolClient, moment: DeadlineMoment) => Promise<T>,
    disclosed?: (result: T) => readonly AccessLogEntry[],
  ): Promise<T> {
    await this.delivery.waitForConsistency(safeguardingProjection.name, consistency);
    const moment = { now: this.clock.now(), hours: this.hours };
    return this.reader.read(access, (db) => run(db, moment), disclosed);
  }
}

/** The `row` column of each result row, for queries that select `row_to_json(x) AS row`. */
export const rowsOf = async <T>(db: PoolClient, sql: string, params: unknown[]): Promise<T[]> =>
  (await db.query<{ row: T }>(sql, params)).rows.map((r) => r.row);
