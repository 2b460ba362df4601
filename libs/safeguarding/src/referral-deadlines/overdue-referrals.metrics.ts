import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { EVENT_STORE_POOL } from '@soc/event-store';
import { type Clock, CLOCK } from '@soc/platform';
import type { Pool } from 'pg';
import { Gauge, register } from 'prom-client';
import {
  ACKNOWLEDGEMENT_HOURS,
  type AcknowledgementHours,
  overdueCutoffs,
} from './acknowledgement-deadline.js';

export const OVERDUE_REFERRALS_METRIC = 'safeguarding_referrals_unacknowledged_overdue';

/**
 * Referrals past their acknowledgement deadline, by urgency (nothing more: no organisation, no
 * person), counted at scrape time from the read model in one aggregate statement. When the
 * database does not answer, the gauge has no samples rather than stale ones.
 */
@Injectable()
export class OverdueReferralsMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OverdueReferralsMetrics.name);
  private gauge?: Gauge<'urgency'>;

  constructor(
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACKNOWLEDGEMENT_HOURS) private readonly hours: AcknowledgementHours,
  ) {}

  onModuleInit(): void {
    // The registry is the process's; an application started before this one leaves its gauge.
    register.removeSingleMetric(OVERDUE_REFERRALS_METRIC);
    const counts = () => this.counts();
    this.gauge = new Gauge({
      name: OVERDUE_REFERRALS_METRIC,
      help: 'Referrals still awaiting acknowledgement after the deadline of their urgency',
      labelNames: ['urgency'] as const,
      async collect() {
        this.reset();
        for (const { urgency, overdue } of await counts()) this.set({ urgency }, overdue);
      },
    });
  }

  onModuleDestroy(): void {
    if (register.getSingleMetric(OVERDUE_REFERRALS_METRIC) === this.gauge) {
      register.removeSingleMetric(OVERDUE_REFERRALS_METRIC);
    }
  }

  private async counts(): Promise<{ urgency: string; overdue: number }[]> {
    const cutoffs = overdueCutoffs({ now: this.clock.now(), hours: this.hours });
    try {
      const { rows } = await this.pool.query<{ urgency: string; overdue: number }>(
        `SELECT c.urgency, count(r.referral_id)::int AS overdue
           FROM unnest($1::text[], $2::timestamptz[]) AS c(urgency, raised_by)
           LEFT JOIN safeguarding.referrals r
             ON r.urgency = c.urgency AND r.status = 'submitted' AND r.raised_at <= c.raised_by
          GROUP BY c.urgency`,
        [cutoffs.map((c) => c.urgency), cutoffs.map((c) => c.raisedBy)],
      );
      return rows;
    } catch (error) {
      this.logger.warn(`Overdue referrals not counted: ${(error as Error).message}`);
      return [];
    }
  }
}
