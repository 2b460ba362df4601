import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { MeetingKind } from '@soc/contracts';
import type { AccessContext } from '@soc/security';
import type { PoolClient } from 'pg';
import { MeetingViewReader, rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import {
  type AgreedRow,
  by,
  countsOf,
  isIncomplete,
  overdueFirst,
  partnerActionOn,
  statusBy,
} from '../partner-actions-projection/partner-action-view.js';
import type { PlanActionRow } from '../partner-actions-projection/plan-action-tables.js';
import type { MyActionsParams, MyActionsView, MyActionView } from './my-actions.dto.js';

/** The actions the caller's organisation leads or supports, across every meeting and plan. */
export class GetMyActionsQuery extends Query<MyActionsView> {
  constructor(
    readonly access: AccessContext,
    readonly params: MyActionsParams,
  ) {
    super();
  }
}

/**
 * "My organisation's actions", as they stood on a business date (default today): those agreed by
 * then, at a meeting or on a plan, each in the status and with the due date it had that day,
 * overdue first, then by due date.
 */
@QueryHandler(GetMyActionsQuery)
export class GetMyActionsHandler implements IQueryHandler<GetMyActionsQuery> {
  constructor(private readonly views: MeetingViewReader) {}

  execute({ access, params }: GetMyActionsQuery): Promise<MyActionsView> {
    const { asOf, status, role, ...consistency } = params;
    const { organisationId } = access.principal;
    return this.views.read(access, consistency, async (db, today) => {
      const date = asOf ?? today;
      const actions = (await organisationActions(db, organisationId, date))
        .filter((a) => (status === undefined || a.status === status) && (role ?? a.role) === a.role)
        .sort(overdueFirst);
      return { asOf: date, organisationId, counts: countsOf(actions), actions };
    });
  }
}

/**
 * The actions an organisation leads or supports, agreed by a business date, as they stood then:
 * those meetings agreed, and the plan actions it owns.
 */
export async function organisationActions(
  db: PoolClient,
  organisationId: string,
  date: string,
): Promise<MyActionView[]> {
  const partnerRows = await rowsOf<AgreedRow>(
    db,
    `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
      WHERE a.meeting_id IS NOT NULL AND a.agreed_on <= $2::date
        AND (a.lead_organisation_id = $1 OR $1 = ANY (a.supporting_organisation_ids))`,
    [organisationId, date],
  );
  const planRows = await rowsOf<AgreedPlanRow>(
    db,
    `SELECT row_to_json(a) AS row FROM meetings.plan_actions a
      WHERE a.owner_organisation_id = $1 AND a.agreed_on <= $2::date`,
    [organisationId, date],
  );
  return [
    ...partnerRows.map((row) => myAction(row, organisationId, date)),
    ...planRows.map((row) => planAction(row, date)),
  ];
}

function myAction(row: AgreedRow, organisationId: string, date: string): MyActionView {
  return {
    kind: 'partner-action',
    ...partnerActionOn(row, date),
    meeting: {
      meetingId: row.meeting_id,
      kind: row.meeting_kind as MeetingKind,
      title: row.meeting_title,
      heldOn: row.meeting_held_on,
    },
    plan: null,
    cancellation: null,
    role: row.lead_organisation_id === organisationId ? 'lead' : 'supporting',
  };
}

type AgreedPlanRow = PlanActionRow & { agreed_on: string };

/**
 * A plan action as it stood on a business date, its status in the partner actions' words (a
 * cancellation is a closure): its owner's organisation leads it.
 */
function planAction(row: AgreedPlanRow, date: string): MyActionView {
  const status = statusBy(date, {
    completed: row.completed_on,
    closed: row.cancelled_on,
    started: row.started_on,
  });
  return {
    kind: 'plan-action',
    actionId: row.action_id,
    threatId: row.threat_id,
    category: row.category,
    description: row.description,
    leadOrganisationId: row.owner_organisation_id,
    supportingOrganisationIds: [],
    pointOfContact: { personId: row.owner_person_id, organisationId: row.owner_organisation_id },
    dueDate: row.due_date,
    agreedDueDate: row.due_date,
    agreedOn: row.agreed_on,
    status,
    overdue: isIncomplete(status) && row.due_date < date,
    lastProgress: by(row.last_progress_on, date)
      ? { on: row.last_progress_on!, note: row.last_progress_note! }
      : null,
    completion: status === 'completed' ? { on: row.completed_on!, outcome: row.outcome! } : null,
    closure: null,
    pendingDueDateRequest: null,
    meeting: null,
    plan: { threatId: row.threat_id, codeName: row.code_name },
    cancellation:
      status === 'closed' ? { on: row.cancelled_on!, reason: row.cancellation_reason! } : null,
    role: 'lead',
  };
}
