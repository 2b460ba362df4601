import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import {
  type AccessContext,
  type AccessLogEntry,
  isErased,
  openInScope,
  PersonalDataCipher,
  processingOf,
} from '@soc/security';
import type { PoolClient } from 'pg';
import { readableThreat } from '../threats-projection/readable-threat.js';
import type {
  ActionProgressRow,
  ActionReferralRow,
  ActionRow,
  PlanPersonRow,
} from '../threats-projection/threat-tables.js';
import {
  currentAssessment,
  isOpenAction,
  lroOf,
  reviewOverdue,
  sroOf,
  trendOf,
} from '../threats-projection/threat-view-parts.js';
import { type Today, ThreatViewReader } from '../threats-projection/threat-view-reader.js';
import { iso } from '../threats-projection/view-dates.js';
import type { PlanActionView, PlanOnAPageView, PlanPersonView } from './plan-on-a-page.dto.js';

/** The plan on a page of a threat, as the caller may see it. */
export class GetPlanOnAPageQuery extends Query<PlanOnAPageView> {
  constructor(
    readonly access: AccessContext,
    readonly threatId: string,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

/**
 * Names on the plan are opened here (erased ones shown as such), and the disclosure of each
 * named person is logged with the caller's purpose in the same transaction.
 */
@QueryHandler(GetPlanOnAPageQuery)
export class GetPlanOnAPageHandler implements IQueryHandler<GetPlanOnAPageQuery> {
  constructor(
    private readonly views: ThreatViewReader,
    private readonly cipher: PersonalDataCipher,
  ) {}

  execute({ access, threatId, consistency }: GetPlanOnAPageQuery): Promise<PlanOnAPageView> {
    return this.views.read(
      access,
      consistency,
      async (db, today) => {
        const threat = await readableThreat(db, access.principal, 'plan:read', threatId);
        const { people, actions, progress, referrals } = await planRows(db, threatId);
        return {
          threatId: threat.threat_id,
          codeName: threat.code_name,
          ownerOrganisationId: threat.owner_organisation_id,
          kind: threat.kind,
          summary: threat.summary,
          priorityArea: threat.priority_area,
          type: threat.type,
          tier: threat.tier,
          phase: threat.phase,
          marking: threat.marking,
          lro: lroOf(threat),
          sro: sroOf(threat),
          place: threat.place,
          clearHoldBuildPhase: threat.clear_hold_build_phase,
          currentAssessment: currentAssessment(threat, today),
          trend: trendOf(threat),
          criminalActivity: threat.criminal_activity,
          placesAffected: threat.places_affected,
          risks: threat.risks,
          reviewDate: threat.review_date,
          reviewOverdue: reviewOverdue(threat, today),
          lastReviewedOn: threat.last_reviewed_on,
          people: await this.openPeople(db, access, people),
          actions: actions.map((action) =>
            toAction(
              action,
              progress.filter((p) => p.action_id === action.action_id),
              referrals.filter((r) => r.action_id === action.action_id),
              today,
            ),
          ),
          preparedFor: access.principal.organisationId,
          preparedOn: today.date,
          globalPosition: Number(threat.global_position),
        };
      },
      (plan) => planDisclosure(access, plan),
    );
  }

  private async openPeople(
    db: PoolClient,
    access: AccessContext,
    rows: PlanPersonRow[],
  ): Promise<PlanPersonView[]> {
    const names = await openInScope(
      this.cipher,
      db,
      access,
      rows.map((row) => row.name),
    );
    return rows.map((row, i) => {
      const name = names[i];
      const erased = isErased(name);
      return {
        involvementId: row.involvement_id,
        subjectId: row.subject_id,
        name: !erased && typeof name === 'string' ? name : null,
        erased,
        role: row.role,
      };
    });
  }
}

interface PlanRows {
  readonly people: PlanPersonRow[];
  readonly actions: ActionRow[];
  readonly progress: ActionProgressRow[];
  readonly referrals: ActionReferralRow[];
}

/** The plan's people, actions, progress and referrals, each in its order, in one round trip. */
const PLAN_ROWS = `
  SELECT (SELECT coalesce(json_agg(row_to_json(p) ORDER BY added_at, involvement_id), '[]')
            FROM threats.plan_people p WHERE threat_id = $1 AND NOT removed) AS people,
         (SELECT coalesce(json_agg(row_to_json(a) ORDER BY due_date, created_at, action_id), '[]')
            FROM threats.actions a WHERE threat_id = $1) AS actions,
         (SELECT coalesce(json_agg(row_to_json(p) ORDER BY progress_on, global_position), '[]')
            FROM threats.action_progress p WHERE threat_id = $1) AS progress,
         (SELECT coalesce(json_agg(row_to_json(r) ORDER BY raised_at, referral_id), '[]')
            FROM threats.action_referrals r WHERE threat_id = $1) AS referrals`;

async function planRows(db: PoolClient, threatId: string): Promise<PlanRows> {
  const { rows } = await db.query<PlanRows>(PLAN_ROWS, [threatId]);
  return rows[0];
}

function toAction(
  row: ActionRow,
  progress: ActionProgressRow[],
  referrals: ActionReferralRow[],
  today: Today,
): PlanActionView {
  return {
    actionId: row.action_id,
    category: row.category,
    description: row.description,
    owner: { personId: row.owner_person_id, organisationId: row.owner_organisation_id },
    dueDate: row.due_date,
    status: row.status,
    pastDue: isOpenAction(row.status) && row.due_date < today.date,
    outcome: row.outcome,
    cancellationReason: row.cancellation_reason,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    progress: progress.map((p) => ({
      note: p.note,
      on: p.progress_on,
      recordedAt: iso(p.recorded_at),
      recordedBy: {
        personId: p.recorded_by_person_id,
        organisationId: p.recorded_by_organisation_id,
      },
    })),
    referrals: referrals.map((r) => ({
      referralId: r.referral_id,
      status: r.status,
      concerns: r.concerns,
      urgency: r.urgency,
      raisedAt: iso(r.raised_at),
    })),
  };
}

function planDisclosure(access: AccessContext, plan: PlanOnAPageView): AccessLogEntry[] {
  return [
    {
      ...processingOf(access, plan.ownerOrganisationId),
      recordType: 'threat-plan',
      recordId: plan.threatId,
      subjectIds: plan.people.filter((p) => !p.erased).map((p) => p.subjectId),
    },
  ];
}
