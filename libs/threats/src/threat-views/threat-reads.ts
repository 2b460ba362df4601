import { Inject, Injectable } from '@nestjs/common';
import { DeliveryRuntime, type ConsistencyQuery } from '@soc/messaging';
import { type Clock, CLOCK, isoDate } from '@soc/platform';
import {
  type AccessContext,
  type AccessLogEntry,
  enforce,
  isErased,
  type Permission,
  PersonalDataCipher,
  type Principal,
  processingOf,
  RecordNotFoundError,
  type ResourceDescriptor,
  ScopedReader,
} from '@soc/security';
import type { PoolClient } from 'pg';
import { THREAT_VIEW_SETTINGS, type ThreatViewSettings } from './threat-view-settings.js';
import {
  ACTION_STATUSES,
  type ActionStatusCountsView,
  type AssessmentView,
  type CurrentAssessmentView,
  type MorileOutputsView,
  type MorileScoresView,
  type MyPlanView,
  type OwnerActionCountView,
  type PlanActionView,
  type PlanOnAPageView,
  type PlanPersonView,
  type ThreatCountsView,
  type ThreatListQuery,
  type ThreatSummaryView,
  type ThreatView,
  type Trend,
} from './threat-views.dto.js';
import {
  type ActionProgressRow,
  type ActionRow,
  type AssessmentRow,
  type PlanPersonRow,
  type ThreatRow,
  threatsProjection,
} from './threats.projection.js';
import { isQuiet, isStale, monthsBefore } from './view-dates.js';

/** What "today" and the thresholds are for one request. */
interface Today {
  readonly now: Date;
  readonly date: string;
  readonly settings: ThreatViewSettings;
}

const OPEN = (status: string) => status !== 'done' && status !== 'cancelled';

/** Timestamps as JSON gives them (any offset) to ISO 8601 in UTC. */
const iso = (value: string) => new Date(value).toISOString();
const isoOrNull = (value: string | null) => (value === null ? null : iso(value));

/** Rows as the projection wrote them, read back as JSON. */
async function jsonRows<Row>(db: PoolClient, sql: string, params: unknown[]): Promise<Row[]> {
  const { rows } = await db.query<{ row: Row }>(sql, params);
  return rows.map((r) => r.row);
}

const describe = (threat: ThreatRow): ResourceDescriptor & { type: string; id: string } => ({
  type: 'threat',
  id: threat.threat_id,
  ownerOrganisationId: threat.owner_organisation_id,
  partyOrganisationIds: [threat.lro_organisation_id],
  sharedWithOrganisationIds: threat.shared_with,
  marking: threat.marking as ResourceDescriptor['marking'],
  signposting: threat.signposting,
});

function trendOf(threat: ThreatRow): Trend | null {
  if (threat.total_score === null) return null;
  if (threat.previous_total_score === null) return 'new';
  const [now, before] = [Number(threat.total_score), Number(threat.previous_total_score)];
  return now > before ? 'up' : now < before ? 'down' : 'same';
}

function currentAssessment(threat: ThreatRow, today: Today): CurrentAssessmentView | null {
  if (threat.assessment_id === null) return null;
  return {
    assessmentId: threat.assessment_id,
    modelVersion: threat.model_version!,
    scores: threat.scores as unknown as MorileScoresView,
    outputs: threat.outputs as unknown as MorileOutputsView,
    assessedOn: threat.assessed_on!,
    intelligenceDate: threat.intelligence_date!,
    stale: isStale(threat.intelligence_date, today.date, today.settings.staleAfterMonths),
    moderationStatus: threat.moderation_status!,
    moderationNote: threat.moderation_note,
  };
}

function toSummary(threat: ThreatRow, today: Today): ThreatSummaryView {
  return {
    threatId: threat.threat_id,
    ownerOrganisationId: threat.owner_organisation_id,
    kind: threat.kind,
    codeName: threat.code_name,
    priorityArea: threat.priority_area,
    type: threat.type,
    tier: threat.tier,
    phase: threat.phase,
    soc: threat.soc,
    marking: threat.marking,
    lro: { personId: threat.lro_person_id, organisationId: threat.lro_organisation_id },
    currentScore: threat.total_score === null ? null : Number(threat.total_score),
    moderationStatus: threat.moderation_status,
    intelligenceDate: threat.intelligence_date,
    stale: isStale(threat.intelligence_date, today.date, today.settings.staleAfterMonths),
    reviewDate: threat.review_date,
    globalPosition: Number(threat.global_position),
  };
}

const sroOf = (threat: ThreatRow) =>
  threat.sro_person_id && threat.sro_organisation_id
    ? { personId: threat.sro_person_id, organisationId: threat.sro_organisation_id }
    : null;

function toAssessment(row: AssessmentRow, today: Today): AssessmentView {
  return {
    assessmentId: row.assessment_id,
    modelVersion: row.model_version,
    scores: row.scores as unknown as MorileScoresView,
    outputs: row.outputs as unknown as MorileOutputsView,
    assessedOn: row.assessed_on,
    intelligenceDate: row.intelligence_date,
    stale: isStale(row.intelligence_date, today.date, today.settings.staleAfterMonths),
    rationale: row.rationale,
    recordedAt: iso(row.recorded_at),
    recordedBy: {
      personId: row.recorded_by_person_id,
      organisationId: row.recorded_by_organisation_id,
    },
    moderation: {
      status: row.moderation_status,
      note: row.moderation_note,
      by:
        row.moderated_by_person_id && row.moderated_by_organisation_id
          ? {
              personId: row.moderated_by_person_id,
              organisationId: row.moderated_by_organisation_id,
            }
          : null,
      at: isoOrNull(row.moderated_at),
    },
  };
}

function toAction(row: ActionRow, progress: ActionProgressRow[], today: Today): PlanActionView {
  return {
    actionId: row.action_id,
    category: row.category,
    description: row.description,
    owner: { personId: row.owner_person_id, organisationId: row.owner_organisation_id },
    dueDate: row.due_date,
    status: row.status,
    pastDue: OPEN(row.status) && row.due_date < today.date,
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
  };
}

const THREAT_SQL = `SELECT row_to_json(t) AS row FROM threats.threats t WHERE threat_id = $1`;

/**
 * The read side of the master list and the plans. Every query runs as the caller (row-level
 * security decides which rows exist for them); names on plans are opened only here, and each
 * disclosure is logged with the caller's purpose in the same transaction.
 */
@Injectable()
export class ThreatReads {
  constructor(
    private readonly reader: ScopedReader,
    private readonly cipher: PersonalDataCipher,
    private readonly delivery: DeliveryRuntime,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(THREAT_VIEW_SETTINGS) private readonly settings: ThreatViewSettings,
  ) {}

  async list(access: AccessContext, query: ThreatListQuery): Promise<ThreatSummaryView[]> {
    await this.consistent(query);
    const today = this.today();
    return this.reader.read(access, async (db) => {
      const rows = await jsonRows<ThreatRow>(
        db,
        `SELECT row_to_json(t) AS row FROM threats.threats t
          WHERE ($1::text IS NULL OR owner_organisation_id = $1)
            AND ($2::text IS NULL OR priority_area = $2)
            AND ($3::text IS NULL OR type = $3)
            AND ($4::int IS NULL OR tier = $4)
            AND ($5::text IS NULL OR phase = $5)
            AND ($6::boolean IS NULL
                 OR coalesce(intelligence_date < $7::date, false) = $6)
          ORDER BY owner_organisation_id, code_name, threat_id
          LIMIT $8 OFFSET $9`,
        [
          query.owner ?? null,
          query.priorityArea ?? null,
          query.type ?? null,
          query.tier ?? null,
          query.phase ?? null,
          query.stale ?? null,
          monthsBefore(today.date, today.settings.staleAfterMonths),
          query.limit ?? 500,
          query.offset ?? 0,
        ],
      );
      return rows.map((row) => toSummary(row, today));
    });
  }

  /**
   * The regional counting rule, as of the end of `asOf` (UTC): tactical, moderated, SOC, not
   * tier 5, not closed, each threat taken in the state its last event before then left it.
   */
  async counts(
    access: AccessContext,
    consistency: ConsistencyQuery,
    asOf = this.today().date,
  ): Promise<ThreatCountsView> {
    await this.consistent(consistency);
    return this.reader.read(access, async (db) => {
      const { rows } = await db.query<{ organisation_id: string; count: number }>(
        `SELECT owner_organisation_id AS organisation_id, count(*)::int AS count
           FROM (SELECT DISTINCT ON (threat_id)
                        owner_organisation_id, type, moderation_status, soc, tier, phase
                   FROM threats.threat_states
                  WHERE valid_from < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
                  ORDER BY threat_id, valid_from DESC, global_position DESC) AS state
          WHERE type = 'tactical' AND moderation_status = 'moderated' AND soc
            AND tier <> 5 AND phase <> 'closed'
          GROUP BY owner_organisation_id
          ORDER BY owner_organisation_id`,
        [asOf],
      );
      const byOrganisation = rows.map((r) => ({
        organisationId: r.organisation_id,
        count: r.count,
      }));
      return {
        asOf,
        total: byOrganisation.reduce((sum, r) => sum + r.count, 0),
        byOrganisation,
      };
    });
  }

  async threat(
    access: AccessContext,
    consistency: ConsistencyQuery,
    threatId: string,
  ): Promise<ThreatView> {
    await this.consistent(consistency);
    const today = this.today();
    return this.reader.read(access, async (db) => {
      const threat = await readable(db, access.principal, 'threat:read', threatId);
      const assessments = await jsonRows<AssessmentRow>(
        db,
        `SELECT row_to_json(a) AS row FROM threats.assessments a WHERE threat_id = $1
          ORDER BY recorded_at DESC, assessed_on DESC, assessment_id`,
        [threatId],
      );
      return {
        ...toSummary(threat, today),
        summary: threat.summary,
        sro: sroOf(threat),
        place: threat.place,
        clearHoldBuildPhase: threat.clear_hold_build_phase,
        signposting: threat.signposting,
        sharedWith: threat.shared_with,
        openedOn: threat.opened_on,
        registeredAt: iso(threat.registered_at),
        closedAt: isoOrNull(threat.closed_at),
        closedReason: threat.closed_reason,
        currentAssessment: currentAssessment(threat, today),
        previousTotalScore:
          threat.previous_total_score === null ? null : Number(threat.previous_total_score),
        trend: trendOf(threat),
        assessments: assessments.map((row) => toAssessment(row, today)),
        lastReviewedOn: threat.last_reviewed_on,
        lastActivityAt: iso(threat.last_activity_at),
      };
    });
  }

  /**
   * The plan on a page as the caller may see it, names opened (erased ones shown as such); the
   * disclosure of each named person is logged.
   */
  async plan(
    access: AccessContext,
    consistency: ConsistencyQuery,
    threatId: string,
  ): Promise<PlanOnAPageView> {
    await this.consistent(consistency);
    const today = this.today();
    return this.reader.read(
      access,
      async (db) => {
        const threat = await readable(db, access.principal, 'plan:read', threatId);
        const people = await jsonRows<PlanPersonRow>(
          db,
          `SELECT row_to_json(p) AS row FROM threats.plan_people p
            WHERE threat_id = $1 AND NOT removed ORDER BY added_at, involvement_id`,
          [threatId],
        );
        const actions = await jsonRows<ActionRow>(
          db,
          `SELECT row_to_json(a) AS row FROM threats.actions a WHERE threat_id = $1
            ORDER BY due_date, created_at, action_id`,
          [threatId],
        );
        const progress = await jsonRows<ActionProgressRow>(
          db,
          `SELECT row_to_json(p) AS row FROM threats.action_progress p WHERE threat_id = $1
            ORDER BY progress_on, global_position`,
          [threatId],
        );
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
          lro: { personId: threat.lro_person_id, organisationId: threat.lro_organisation_id },
          sro: sroOf(threat),
          place: threat.place,
          clearHoldBuildPhase: threat.clear_hold_build_phase,
          currentAssessment: currentAssessment(threat, today),
          trend: trendOf(threat),
          criminalActivity: threat.criminal_activity,
          placesAffected: threat.places_affected,
          risks: threat.risks,
          reviewDate: threat.review_date,
          reviewOverdue: threat.review_date !== null && threat.review_date < today.date,
          lastReviewedOn: threat.last_reviewed_on,
          people: await this.openPeople(people),
          actions: actions.map((action) =>
            toAction(
              action,
              progress.filter((p) => p.action_id === action.action_id),
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

  /** The caller's own plans (they are the LRO), most urgent first. */
  async myPlans(access: AccessContext, consistency: ConsistencyQuery): Promise<MyPlanView[]> {
    await this.consistent(consistency);
    const today = this.today();
    const { personId, organisationId } = access.principal;
    return this.reader.read(access, async (db) => {
      const threats = await jsonRows<ThreatRow>(
        db,
        `SELECT row_to_json(t) AS row FROM threats.threats t
          WHERE lro_person_id = $1 AND lro_organisation_id = $2 AND phase <> 'closed'`,
        [personId, organisationId],
      );
      if (threats.length === 0) return [];
      const { rows: counts } = await db.query<{
        threat_id: string;
        status: string;
        owner_organisation_id: string;
        total: number;
        past_due: number;
      }>(
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

  private async openPeople(rows: PlanPersonRow[]): Promise<PlanPersonView[]> {
    const names = await this.cipher.open(rows.map((row) => row.name));
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

  private today(): Today {
    const now = this.clock.now();
    return { now, date: isoDate(now), settings: this.settings };
  }

  private async consistent({ minPosition, waitMs }: ConsistencyQuery): Promise<void> {
    if (minPosition === undefined) return;
    await this.delivery.waitFor(threatsProjection.name, minPosition, waitMs ?? 5000);
  }
}

/**
 * The threat if the caller may read it under `permission`; otherwise what they may be told: that
 * it exists and who holds it (signposting), or nothing (404).
 */
async function readable(
  db: PoolClient,
  principal: Principal,
  permission: Permission,
  threatId: string,
): Promise<ThreatRow> {
  const [threat] = await jsonRows<ThreatRow>(db, THREAT_SQL, [threatId]);
  if (threat) {
    // Row-level security let it through, so its existence is no secret from the caller.
    enforce(principal, permission, describe(threat), { existenceIsPublic: true });
    return threat;
  }
  const { rows } = await db.query<{ owner_organisation_id: string }>(
    `SELECT owner_organisation_id FROM threats.signposts WHERE threat_id = $1`,
    [threatId],
  );
  if (rows[0]) {
    enforce(principal, permission, {
      type: 'threat',
      id: threatId,
      ownerOrganisationId: rows[0].owner_organisation_id,
      signposting: true,
    });
  }
  throw new RecordNotFoundError('threat', threatId);
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

function myPlan(
  threat: ThreatRow,
  counts: { status: string; owner_organisation_id: string; total: number; past_due: number }[],
  today: Today,
): MyPlanView {
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
    if (OPEN(c.status)) owner.open += c.total;
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
    stale: isStale(threat.intelligence_date, today.date, today.settings.staleAfterMonths),
    actionsByStatus: byStatus as unknown as ActionStatusCountsView,
    actionsByOwnerOrganisation: [...byOwner.values()].sort((a, b) =>
      a.organisationId.localeCompare(b.organisationId),
    ),
    reviewOverdue: threat.review_date !== null && threat.review_date < today.date,
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
