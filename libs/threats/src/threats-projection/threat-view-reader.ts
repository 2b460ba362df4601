import { Inject, Injectable } from '@nestjs/common';
import { type ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import { type Clock, CLOCK, isoDate } from '@soc/platform';
import { type AccessContext, type AccessLogEntry, ScopedReader } from '@soc/security';
import type { PoolClient } from 'pg';
import { THREAT_VIEW_SETTINGS, type ThreatViewSettings } from './threat-view-settings.js';
import { threatsProjection } from './threats.projection.js';

/** What "today" and the thresholds are for one request. */
export interface Today {
  readonly now: Date;
  readonly date: string;
  readonly settings: ThreatViewSettings;
}

/**
 * How every query reads the threats projection: once it has reached the position the query asks
 * for (bounded wait), as the caller (row-level security decides which rows exist for them), with
 * one "today" for the whole read, and with what it disclosed logged in the same transaction.
 */
@Injectable()
export class ThreatViewReader {
  constructor(
    private readonly reader: ScopedReader,
    private readonly delivery: DeliveryRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(THREAT_VIEW_SETTINGS) private readonly settings: ThreatViewSettings,
  ) {}

  async read<T>(
    access: AccessContext,
    consistency: ConsistencyQuery,
    run: (db: PoolClient, today: Today) => Promise<T>,
    disclosed?: (result: T) => readonly AccessLogEntry[],
  ): Promise<T> {
    await this.delivery.waitForConsistency(threatsProjection.name, consistency);
    const now = this.clock.now();
    const today = { now, date: isoDate(now), settings: this.settings };
    return this.reader.read(access, (db) => run(db, today), disclosed);
  }
}
