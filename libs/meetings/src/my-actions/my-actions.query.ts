import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ClosureReason, MeetingKind } from '@soc/contracts';
import type { AccessContext } from '@soc/security';
import { MeetingViewReader } from '../partner-actions-projection/meeting-view-reader.js';
import type {
  AgreementPart,
  PartnerActionRow,
} from '../partner-actions-projection/meetings.projection.js';
import type {
  ActionRole,
  MyActionCountsView,
  MyActionsParams,
  MyActionsView,
  MyActionView,
  PartnerActionStatus,
} from './my-actions.dto.js';

/** The actions the caller's organisation leads or supports, across every meeting. */
export class GetMyActionsQuery extends Query<MyActionsView> {
  constructor(
    readonly access: AccessContext,
    readonly params: MyActionsParams,
  ) {
    super();
  }
}

/** A row whose agreement has been applied: the query reads no other. */
type AgreedRow = Omit<PartnerActionRow, keyof AgreementPart> & {
  [K in keyof AgreementPart]: NonNullable<AgreementPart[K]>;
};

/**
 * "My organisation's actions", as they stood on a business date (default today): those agreed by
 * then, each in the status and with the due date it had that day, overdue first, then by due date.
 * Completion and closure count by the date they happened, not the day they were recorded.
 */
@QueryHandler(GetMyActionsQuery)
export class GetMyActionsHandler implements IQueryHandler<GetMyActionsQuery> {
  constructor(private readonly views: MeetingViewReader) {}

  execute({ access, params }: GetMyActionsQuery): Promise<MyActionsView> {
    const { asOf, status, role, ...consistency } = params;
    const { organisationId } = access.principal;
    return this.views.read(access, consistency, async (db, today) => {
      const date = asOf ?? today;
      const { rows } = await db.query<{ row: AgreedRow }>(
        `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
          WHERE a.meeting_id IS NOT NULL AND a.agreed_on <= $2::date
            AND (a.lead_organisation_id = $1 OR $1 = ANY (a.supporting_organisation_ids))`,
        [organisationId, date],
      );
      const actions = rows
        .map(({ row }) => myAction(row, organisationId, date))
        .filter((a) => (status === undefined || a.status === status) && (role ?? a.role) === a.role)
        .sort(overdueFirst);
      return { asOf: date, organisationId, counts: countsOf(actions), actions };
    });
  }
}

function statusOn(row: AgreedRow, date: string): PartnerActionStatus {
  if (row.completed_on !== null && row.completed_on <= date) return 'completed';
  if (row.closed_on !== null && row.closed_on <= date) return 'closed';
  if (row.first_progress_on !== null && row.first_progress_on <= date) return 'in-progress';
  return 'agreed';
}

/** The due date in force on `date`: the last one granted by then, else the agreed one. */
function dueDateOn(row: AgreedRow, date: string): string {
  const granted = row.granted_due_dates.filter((g) => g.grantedOn <= date).at(-1);
  return granted?.dueDate ?? row.agreed_due_date;
}

const isIncomplete = (status: PartnerActionStatus) =>
  status === 'agreed' || status === 'in-progress';

const by = (on: string | null, date: string) => on !== null && on <= date;

function myAction(row: AgreedRow, organisationId: string, date: string): MyActionView {
  const status = statusOn(row, date);
  const dueDate = dueDateOn(row, date);
  const role: ActionRole = row.lead_organisation_id === organisationId ? 'lead' : 'supporting';
  return {
    actionId: row.action_id,
    meeting: {
      meetingId: row.meeting_id,
      kind: row.meeting_kind as MeetingKind,
      title: row.meeting_title,
      heldOn: row.meeting_held_on,
    },
    threatId: row.threat_id,
    category: row.category,
    description: row.description,
    role,
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

function countsOf(actions: readonly MyActionView[]): MyActionCountsView {
  const count = (test: (a: MyActionView) => boolean) => actions.filter(test).length;
  return {
    overdue: count((a) => a.overdue),
    incomplete: count((a) => isIncomplete(a.status)),
    completed: count((a) => a.status === 'completed'),
    closedCircumstancesChanged: count((a) => a.closure?.reason === 'circumstances-changed'),
    closedAgencyDidNotAct: count((a) => a.closure?.reason === 'agency-did-not-act'),
  };
}

function overdueFirst(a: MyActionView, b: MyActionView): number {
  return (
    Number(b.overdue) - Number(a.overdue) ||
    a.dueDate.localeCompare(b.dueDate) ||
    a.meeting.heldOn.localeCompare(b.meeting.heldOn) ||
    a.actionId.localeCompare(b.actionId)
  );
}
