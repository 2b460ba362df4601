import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { HttpProblem } from '@soc/platform';
import type { AccessContext } from '@soc/security';
import { organisationActions } from '../my-actions/my-actions.query.js';
import { MeetingViewReader } from '../partner-actions-projection/meeting-view-reader.js';
import { isIncomplete, overdueFirst } from '../partner-actions-projection/partner-action-view.js';
import type { ActionDigestParams, ActionDigestView } from './action-digest.dto.js';
import { parseWeek, weekOf } from './iso-week.js';

/** The caller's organisation's actions due in a week or overdue by it, across every meeting and plan. */
export class GetActionDigestQuery extends Query<ActionDigestView> {
  constructor(
    readonly access: AccessContext,
    readonly params: ActionDigestParams,
  ) {
    super();
  }
}

const clamp = (date: string, from: string, to: string) =>
  date < from ? from : date > to ? to : date;

/**
 * The weekly digest: actions neither completed nor closed whose due date (the one in force)
 * falls in the week or before it. Statuses stand on today, or on the week's first or last day
 * for a week that has not begun or has ended.
 */
@QueryHandler(GetActionDigestQuery)
export class GetActionDigestHandler implements IQueryHandler<GetActionDigestQuery> {
  constructor(private readonly views: MeetingViewReader) {}

  execute({ access, params }: GetActionDigestQuery): Promise<ActionDigestView> {
    const { week: named, ...consistency } = params;
    const { organisationId } = access.principal;
    return this.views.read(access, consistency, async (db, today) => {
      const week = named === undefined ? weekOf(today) : parseWeek(named);
      if (!week) throw new HttpProblem(400, 'week-unknown', `${named} names no ISO week`);
      const asOf = clamp(today, week.from, week.to);
      const open = (await organisationActions(db, organisationId, asOf))
        .filter((a) => isIncomplete(a.status) && a.dueDate <= week.to)
        .sort(overdueFirst);
      const overdue = open.filter((a) => a.dueDate < week.from);
      const dueThisWeek = open.filter((a) => a.dueDate >= week.from);
      return {
        ...week,
        asOf,
        organisationId,
        counts: { overdue: overdue.length, dueThisWeek: dueThisWeek.length },
        overdue,
        dueThisWeek,
      };
    });
  }
}
