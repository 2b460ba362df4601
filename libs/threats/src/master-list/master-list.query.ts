import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import { jsonRows } from '../threats-projection/json-rows.js';
import { readableThreat } from '../threats-projection/readable-threat.js';
import type { AssessmentRow, ThreatRow } from '../threats-projection/threat-tables.js';
import type {
  MorileOutputsView,
  MorileScoresView,
} from '../threats-projection/threat-view-parts.dto.js';
import {
  currentAssessment,
  lroOf,
  sroOf,
  staleOn,
  trendOf,
} from '../threats-projection/threat-view-parts.js';
import { type Today, ThreatViewReader } from '../threats-projection/threat-view-reader.js';
import { iso, isoOrNull, monthsBefore } from '../threats-projection/view-dates.js';
import type {
  AssessmentView,
  ThreatListParams,
  ThreatSummaryView,
  ThreatView,
} from './master-list.dto.js';

/** The SOC master list as the caller may see it, filtered and paged. */
export class ListThreatsQuery extends Query<ThreatSummaryView[]> {
  constructor(
    readonly access: AccessContext,
    readonly params: ThreatListParams,
  ) {
    super();
  }
}

/** One threat with its assessment history and moderation, if the caller may read it. */
export class GetThreatQuery extends Query<ThreatView> {
  constructor(
    readonly access: AccessContext,
    readonly threatId: string,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

@QueryHandler(ListThreatsQuery)
export class ListThreatsHandler implements IQueryHandler<ListThreatsQuery> {
  constructor(private readonly views: ThreatViewReader) {}

  execute({ access, params }: ListThreatsQuery): Promise<ThreatSummaryView[]> {
    return this.views.read(access, params, async (db, today) => {
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
          params.owner ?? null,
          params.priorityArea ?? null,
          params.type ?? null,
          params.tier ?? null,
          params.phase ?? null,
          params.stale ?? null,
          monthsBefore(today.date, today.settings.staleAfterMonths),
          params.limit ?? 500,
          params.offset ?? 0,
        ],
      );
      return rows.map((row) => toSummary(row, today));
    });
  }
}

@QueryHandler(GetThreatQuery)
export class GetThreatHandler implements IQueryHandler<GetThreatQuery> {
  constructor(private readonly views: ThreatViewReader) {}

  execute({ access, threatId, consistency }: GetThreatQuery): Promise<ThreatView> {
    return this.views.read(access, consistency, async (db, today) => {
      const threat = await readableThreat(db, access.principal, 'threat:read', threatId);
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
    lro: lroOf(threat),
    currentScore: threat.total_score === null ? null : Number(threat.total_score),
    moderationStatus: threat.moderation_status,
    intelligenceDate: threat.intelligence_date,
    stale: staleOn(threat.intelligence_date, today),
    reviewDate: threat.review_date,
    globalPosition: Number(threat.global_position),
  };
}

function toAssessment(row: AssessmentRow, today: Today): AssessmentView {
  return {
    assessmentId: row.assessment_id,
    modelVersion: row.model_version,
    scores: row.scores as unknown as MorileScoresView,
    outputs: row.outputs as unknown as MorileOutputsView,
    assessedOn: row.assessed_on,
    intelligenceDate: row.intelligence_date,
    stale: staleOn(row.intelligence_date, today),
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
