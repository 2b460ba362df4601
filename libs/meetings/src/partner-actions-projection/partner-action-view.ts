import type { ClosureReason } from '@soc/contracts';
import type { AgreementPart, PartnerActionRow } from './partner-action-tables.js';
import type {
  ActionCountsView,
  PartnerActionStatus,
  PartnerActionView,
} from './partner-action-view.dto.js';

/** A row whose agreement has been applied: queries read no other. */
export type AgreedRow = Omit<PartnerActionRow, keyof AgreementPart> & {
  [K in keyof AgreementPart]: NonNullable<AgreementPart[K]>;
};

/** Whether a business date of the action's (null: not yet) had come by `date`. */
export const by = (on: string | null, date: string) => on !== null && on <= date;

/** The status on `date` of an agreed action completed, closed and first worked on these days. */
export function statusBy(
  date: string,
  on: { completed: string | null; closed: string | null; started: string | null },
): PartnerActionStatus {
  if (by(on.completed, date)) return 'completed';
  if (by(on.closed, date)) return 'closed';
  if (by(on.started, date)) return 'in-progress';
  return 'agreed';
}

const statusOn = (row: AgreedRow, date: string) =>
  statusBy(date, {
    completed: row.completed_on,
    closed: row.closed_on,
    started: row.first_progress_on,
  });

/** The due date in force on `date`: the last one granted by then, else the agreed one. */
function dueDateOn(row: AgreedRow, date: string): string {
  const granted = row.granted_due_dates.filter((g) => g.grantedOn <= date).at(-1);
  return granted?.dueDate ?? row.agreed_due_date;
}

export const isIncomplete = (status: PartnerActionStatus) =>
  status === 'agreed' || status === 'in-progress';

/**
 * The action as it stood on a business date: completion and closure count by the date they
 * happened, not the day they were recorded; the due date is the one in force that day.
 */
export function partnerActionOn(row: AgreedRow, date: string): PartnerActionView {
  const status = statusOn(row, date);
  const dueDate = dueDateOn(row, date);
  return {
    actionId: row.action_id,
    threatId: row.threat_id,
    category: row.category,
    description: row.description,
    leadOrganisationId: row.lead_organisation_id,
    supportingOrganisationIds: row.supporting_organisation_ids,
    pointOfContact: {
      personId: row.contact_person_id,
      organisationId: row.contact_organisation_id,
    },
    dueDate,
    agreedDueDate: row.agreed_due_date,
    agreedOn: row.agreed_on,
    status,
    overdue: isIncomplete(status) && dueDate < date,
    lastProgress: by(row.last_progress_on, date)
      ? { on: row.last_progress_on!, note: row.last_progress_note! }
      : null,
    completion: status === 'completed' ? { on: row.completed_on!, outcome: row.outcome! } : null,
    closure:
      status === 'closed'
        ? {
            on: row.closed_on!,
            reason: row.closure_reason as ClosureReason,
            explanation: row.closure_explanation!,
          }
        : null,
    pendingDueDateRequest: by(row.pending_requested_on, date)
      ? {
          requestId: row.pending_request_id!,
          dueDate: row.pending_due_date!,
          reason: row.pending_reason!,
          requestedOn: row.pending_requested_on!,
        }
      : null,
  };
}

/** Overdue, incomplete and completed actions, closures counted apart by reason class. */
export function countsOf(actions: readonly PartnerActionView[]): ActionCountsView {
  const count = (test: (a: PartnerActionView) => boolean) => actions.filter(test).length;
  return {
    overdue: count((a) => a.overdue),
    incomplete: count((a) => isIncomplete(a.status)),
    completed: count((a) => a.status === 'completed'),
    closedCircumstancesChanged: count((a) => a.closure?.reason === 'circumstances-changed'),
    closedAgencyDidNotAct: count((a) => a.closure?.reason === 'agency-did-not-act'),
  };
}

/** Overdue first, then by due date, then by agreement. */
export function overdueFirst(a: PartnerActionView, b: PartnerActionView): number {
  return (
    Number(b.overdue) - Number(a.overdue) ||
    a.dueDate.localeCompare(b.dueDate) ||
    a.agreedOn.localeCompare(b.agreedOn) ||
    a.actionId.localeCompare(b.actionId)
  );
}
