import type { ConcernCategory, ReferralUrgency } from '@soc/contracts';
import type { ReferralStatus } from '../referral/referral.js';
import {
  acknowledgementDeadline,
  type DeadlineMoment,
} from '../referral-deadlines/acknowledgement-deadline.js';
import type {
  ReferralSummaryView,
  ReferralSummaryWithDeadlineView,
} from './referral-summary.dto.js';
import type { ReferralRow } from './referral-tables.js';

/** What every permitted caller may see of a referral: never whom it is about. */
export function referralSummary(row: ReferralRow): ReferralSummaryView {
  return {
    referralId: row.referral_id,
    threatId: row.threat_id,
    status: row.status as ReferralStatus,
    concerns: row.concerns as ConcernCategory[],
    urgency: row.urgency as ReferralUrgency,
    referringOrganisationId: row.referring_organisation_id,
    referringPersonId: row.referring_person_id,
    receivingOrganisationId: row.receiving_organisation_id,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
    acceptedAt: row.accepted_at,
    declinedAt: row.declined_at,
    declineReason: row.decline_reason,
    withdrawnAt: row.withdrawn_at,
    withdrawalReason: row.withdrawal_reason,
    closedAt: row.closed_at,
    outcome: row.outcome,
    closureReason: row.closure_reason,
    noteCount: row.note_count,
    lastChangedAt: row.last_changed_at,
    version: row.stream_version,
    globalPosition: Number(row.global_position),
  };
}

/** The summary as read at a moment: when acknowledgement falls due, and whether it is overdue. */
export function referralSummaryAt(
  row: ReferralRow,
  moment: DeadlineMoment,
): ReferralSummaryWithDeadlineView {
  const summary = referralSummary(row);
  return { ...summary, ...acknowledgementDeadline(summary, moment) };
}
