import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { MeetingKind } from '@soc/contracts';
import type { AccessContext } from '@soc/security';
import type { PoolClient } from 'pg';
import { MeetingViewReader, rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import {
  type AgreedRow,
  countsOf,
  overdueFirst,
  partnerActionOn,
} from '../partner-actions-projection/partner-action-view.js';
import type { MyActionsParams, MyActionsView, MyActionView } from './my-actions.dto.js';

/** The actions the caller's organisation leads or supports, across every meeting. */
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
 * then, each in the status and with the due date it had that day, overdue first, then by due date.
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

/** The actions an organisation leads or supports, agreed by a business date, as they stood then. */
export async function organisationActions(
  db: PoolClient,
  organisationId: string,
  date: string,
): Promise<MyActionView[]> {
  const rows = await rowsOf<AgreedRow>(
    db,
    `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
      WHERE a.meeting_id IS NOT NULL AND a.agreed_on <= $2::date
        AND (a.lead_organisation_id = $1 OR $1 = ANY (a.supporting_organisation_ids))`,
    [organisationId, date],
  );
  return rows.map((row) => myAction(row, organisationId, date));
}

function myAction(row: AgreedRow, organisationId: string, date: string): MyActionView {
  return {
    ...partnerActionOn(row, date),
    meeting: {
      meetingId: row.meeting_id,
      kind: row.meeting_kind as MeetingKind,
      title: row.meeting_title,
      heldOn: row.meeting_held_on,
    },
    role: row.lead_organisation_id === organisationId ? 'lead' : 'supporting',
  };
}
