import { REFERRAL_URGENCIES, type ReferralUrgency } from '@soc/contracts';
import type { ReferralStatus } from '../referral/referral.js';

/** Hours each urgency leaves the receiving organisation to acknowledge a referral. */
export type AcknowledgementHours = Readonly<Record<ReferralUrgency, number>>;

export const ACKNOWLEDGEMENT_HOURS = Symbol('ACKNOWLEDGEMENT_HOURS');

const HOUR_MS = 3_600_000;

/**
 * The moment a view is read at: every referral in it is judged against the same instant.
 * Deadlines run in elapsed (wall-clock) hours, around the clock and across weekends and clock
 * changes: safeguarding duty teams answer out of hours, and 4 hours means 4 hours.
 */
export interface DeadlineMoment {
  readonly now: Date;
  readonly hours: AcknowledgementHours;
}

export interface AcknowledgementDeadline {
  /** When the acknowledgement falls due: raised at plus the urgency's hours. */
  readonly acknowledgementDue: string;
  /** Still awaiting acknowledgement (submitted) at or after that moment. */
  readonly overdue: boolean;
}

export const acknowledgementDue = (
  raisedAt: string,
  urgency: ReferralUrgency,
  hours: AcknowledgementHours,
): Date => new Date(Date.parse(raisedAt) + hours[urgency] * HOUR_MS);

/** A referral is overdue from its due moment on (inclusive) until it is acknowledged or answered. */
export function acknowledgementDeadline(
  referral: { raisedAt: string; urgency: ReferralUrgency; status: ReferralStatus },
  { now, hours }: DeadlineMoment,
): AcknowledgementDeadline {
  const due = acknowledgementDue(referral.raisedAt, referral.urgency, hours);
  return {
    acknowledgementDue: due.toISOString(),
    overdue: referral.status === 'submitted' && now.getTime() >= due.getTime(),
  };
}

/**
 * Per urgency, the latest raising moment that is overdue by `now`: a referral still submitted
 * and raised at or before it is overdue (the same rule as `acknowledgementDeadline`, for SQL).
 */
export const overdueCutoffs = ({ now, hours }: DeadlineMoment) =>
  REFERRAL_URGENCIES.map((urgency) => ({
    urgency,
    raisedBy: new Date(now.getTime() - hours[urgency] * HOUR_MS).toISOString(),
  }));

/** Overdue referrals first, the longest overdue first among them; the rest keep their order. */
export const overdueFirst = (a: AcknowledgementDeadline, b: AcknowledgementDeadline): number =>
  Number(b.overdue) - Number(a.overdue) ||
  (a.overdue ? Date.parse(a.acknowledgementDue) - Date.parse(b.acknowledgementDue) : 0);
