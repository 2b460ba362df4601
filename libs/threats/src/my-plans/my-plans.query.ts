import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import { jsonRows } from '../threats-projection/json-rows.js';
import type { ThreatRow } from '../threats-projection/threat-tables.js';
import { ACTION_STATUSES } from '../threats-projection/threat-view-parts.dto.js';
import {
  isOpenAction,
  reviewOverdue,
  staleOn,
  trendOf,
} from '../threats-projection/threat-view-parts.js';
import { type Today, ThreatViewReader } from '../threats-projection/threat-view-reader.js';
import { iso, isQuiet } from '../threats-projection/view-dates.js';
import type { ActionStatusCountsView, MyPlanView, OwnerActionCountView } from './my-plans.dto.js';

/** The plans the caller leads (they are the LRO), most urgent first. */
export class GetMyPlansQuery extends Query<MyPlanView[]> {
  constructor(
    readonly access: AccessContext,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

interface ActionCountRow {
  threat_id: string;
  status: string;
  owner_organisation_id: string;
  total: number;
  past_due: number;
}

@QueryHandler(GetMyPlansQuery)
export class GetMyPlansHandler implements IQueryHandler<GetMyPlansQuery> {
  constructor(private readonly views: ThreatViewReader) {}

  execute({ access, consistency }: GetMyPlansQuery): Promise<MyPlanView[]> {
    const { personId, organisationId } = access.principal;
    return this.views.read(access, consistency, async (db, today) => {
      const threats = await jsonRows<ThreatRow>(
        db,
        `SELECT row_to_json(t) AS row FROM threats.threats t
          WHERE lro_person_id = $1 AND lro_organisation_id = $2 AND phase <> 'closed'`,
        [personId, organisationId],
      );
      if (threats.length === 0) return [];
      const { rows: counts } = await db.query<ActionCountRow>(
        `SELECT threat_id, status, owner_organisation_id, count(*)::int AS total,
                count(*) FILTER (WHERE due_date < $2::date
                                   AND status NOT IN ('done', 'cancelled'))::int AS past_due
           FROM threats.actions WHERE threat_id = ANY ($1::text[])
          GROUP BY threat_id, status, owner_organisation_id`,
        [threats.map((t) => t.threat_id), today.date],
      );
      return threats
        .map((threat) =>
          myPlan(
            threat,
            counts.filter((c) => c.threat_id === threat.threat_id),
            today,
          ),
        )
        .sort(byUrgency);
    });
  }
}

function myPlan(threat: ThreatRow, counts: ActionCountRow[], today: Today): MyPlanView {
  const byStatus = Object.fromEntries(ACTION_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  const byOwner = new Map<string, OwnerActionCountView>();
  for (const c of counts) {
    byStatus[c.status] = (byStatus[c.status] ?? 0) + c.total;
    const owner = byOwner.get(c.owner_organisation_id) ?? {
      organisationId: c.owner_organisation_id,
      total: 0,
      open: 0,
      pastDue: 0,
    };
    owner.total += c.total;
    if (isOpenAction(c.status)) owner.open += c.total;
    owner.pastDue += c.past_due;
    byOwner.set(c.owner_organisation_id, owner);
  }
  return {
    threatId: threat.threat_id,
    codeName: threat.code_name,
    ownerOrganisationId: threat.owner_organisation_id,
    phase: threat.phase,
    tier: threat.tier,
    nextReviewDate: threat.review_date,
    latestScore: threat.total_score === null ? null : Number(threat.total_score),
    trend: trendOf(threat),
    stale: staleOn(threat.intelligence_date, today),
    actionsByStatus: byStatus as unknown as ActionStatusCountsView,
    actionsByOwnerOrganisation: [...byOwner.values()].sort((a, b) =>
      a.organisationId.localeCompare(b.organisationId),
    ),
    reviewOverdue: reviewOverdue(threat, today),
    actionsPastDue: counts.reduce((sum, c) => sum + c.past_due, 0),
    quiet: isQuiet(threat.last_activity_at, today.now, today.settings.quietAfterWeeks),
    lastActivityAt: iso(threat.last_activity_at),
  };
}

/** Overdue review first, then most actions past due, then stale, then quiet, then by tier. */
function byUrgency(a: MyPlanView, b: MyPlanView): number {
  const flag = (value: boolean) => (value ? 0 : 1);
  return (
    flag(a.reviewOverdue) - flag(b.reviewOverdue) ||
    b.actionsPastDue - a.actionsPastDue ||
    flag(a.stale) - flag(b.stale) ||
    flag(a.quiet) - flag(b.quiet) ||
    a.tier - b.tier ||
    a.codeName.localeCompare(b.codeName) ||
    a.threatId.localeCompare(b.threatId)
  );
}
