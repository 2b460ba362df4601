import type { ActionCategory, ActionStatus } from '@soc/contracts';
import type { PoolClient } from 'pg';
import { rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import type {
  AgendaPublicationRow,
  AssessedScore,
  ThreatSummaryRow,
  ThreatSummaryVersionRow,
} from '../partner-actions-projection/meeting-pack-tables.js';
import type { AssessedScoreView, SentAgendaView, SentPlanView } from './meeting-pack.dto.js';

/** The assessment in force on `date`: the latest assessed by then, the later recorded on a tie. */
export const assessmentOn = (summary: Pick<ThreatSummaryRow, 'assessments'>, date: string) =>
  summary.assessments
    .filter((a) => a.assessedOn <= date)
    .reduce<AssessedScore | null>(
      (found, a) => (found === null || a.assessedOn >= found.assessedOn ? a : found),
      null,
    );

export const scoreView = (a: AssessedScore): AssessedScoreView => ({
  totalScore: a.totalScore,
  assessedOn: a.assessedOn,
  moderationStatus: a.moderationStatus,
});

/**
 * Each publication of the meeting's agenda the caller's organisation received (row-level
 * security: it was the chair's or invited then), newest first, with each threat's plan in the
 * state in force at the publication's position, if that state showed the threat to the caller's
 * organisation. Later events only add states after it, so what this answers never changes.
 */
export async function sentAgendasOf(db: PoolClient, meetingId: string): Promise<SentAgendaView[]> {
  const publications = await rowsOf<AgendaPublicationRow>(
    db,
    `SELECT row_to_json(p) AS row FROM meetings.agenda_publications p
      WHERE meeting_id = $1 ORDER BY published_position DESC`,
    [meetingId],
  );
  const wanted = publications.flatMap((p) =>
    p.agenda.map((a) => ({ threatId: a.threatId, position: p.published_position })),
  );
  const { rows } = await db.query<{ position: string; row: ThreatSummaryVersionRow }>(
    `SELECT q.position, row_to_json(v) AS row
       FROM unnest($1::text[], $2::bigint[]) AS q(threat_id, position)
       JOIN meetings.threat_summary_versions v
         ON v.threat_id = q.threat_id AND v.global_position < q.position
        AND (v.superseded_position IS NULL OR v.superseded_position > q.position)`,
    [wanted.map((w) => w.threatId), wanted.map((w) => w.position)],
  );
  const sent = new Map(rows.map((r) => [`${r.position}/${r.row.threat_id}`, r.row]));
  return publications.map((p) => ({
    publishedOn: p.published_on,
    publishedAt: new Date(p.published_at).toISOString(),
    position: p.published_position,
    recipientOrganisationIds: p.recipient_organisation_ids,
    agenda: p.agenda.map(({ threatId, ownerOrganisationId }) => {
      const version = sent.get(`${p.published_position}/${threatId}`);
      return {
        threatId,
        ownerOrganisationId,
        plan: version ? planOf(version, p.published_on) : null,
      };
    }),
  }));
}

function planOf(v: ThreatSummaryVersionRow, publishedOn: string): SentPlanView {
  const current = assessmentOn(v, publishedOn);
  return {
    codeName: v.code_name,
    kind: v.kind,
    summary: v.summary,
    priorityArea: v.priority_area,
    type: v.type,
    tier: v.tier,
    phase: v.phase,
    closedOn: v.closed_on,
    marking: v.marking,
    lro: { personId: v.lro_person_id, organisationId: v.lro_organisation_id },
    sro: v.sro,
    place: v.place,
    clearHoldBuildPhase: v.clear_hold_build_phase,
    criminalActivity: v.criminal_activity,
    placesAffected: v.places_affected,
    risks: v.risks,
    reviewDate: v.review_date,
    lastReviewedOn: v.last_reviewed_on,
    currentAssessment: current && scoreView(current),
    people: v.people.map((p) => ({ ...p })),
    actions: v.plan_actions.map((a) => ({
      ...a,
      category: a.category as ActionCategory,
      status: a.status as ActionStatus,
    })),
    asOfPosition: v.global_position,
  };
}
