import type {
  CurrentAssessmentView,
  MorileOutputsView,
  MorileScoresView,
  PersonRefView,
  Trend,
} from './threat-view-parts.dto.js';
import type { ThreatRow } from './threat-tables.js';
import type { Today } from './threat-view-reader.js';
import { isStale } from './view-dates.js';

export const isOpenAction = (status: string) => status !== 'done' && status !== 'cancelled';

export const lroOf = (threat: ThreatRow): PersonRefView => ({
  personId: threat.lro_person_id,
  organisationId: threat.lro_organisation_id,
});

export const sroOf = (threat: ThreatRow): PersonRefView | null =>
  threat.sro_person_id && threat.sro_organisation_id
    ? { personId: threat.sro_person_id, organisationId: threat.sro_organisation_id }
    : null;

export const staleOn = (intelligenceDate: string | null, today: Today) =>
  isStale(intelligenceDate, today.date, today.settings.staleAfterMonths);

export const reviewOverdue = (threat: ThreatRow, today: Today) =>
  threat.review_date !== null && threat.review_date < today.date;

export function trendOf(threat: ThreatRow): Trend | null {
  if (threat.total_score === null) return null;
  if (threat.previous_total_score === null) return 'new';
  const [now, before] = [Number(threat.total_score), Number(threat.previous_total_score)];
  return now > before ? 'up' : now < before ? 'down' : 'same';
}

export function currentAssessment(threat: ThreatRow, today: Today): CurrentAssessmentView | null {
  if (threat.assessment_id === null) return null;
  return {
    assessmentId: threat.assessment_id,
    modelVersion: threat.model_version!,
    scores: threat.scores as unknown as MorileScoresView,
    outputs: threat.outputs as unknown as MorileOutputsView,
    assessedOn: threat.assessed_on!,
    intelligenceDate: threat.intelligence_date!,
    stale: staleOn(threat.intelligence_date, today),
    moderationStatus: threat.moderation_status!,
    moderationNote: threat.moderation_note,
  };
}
