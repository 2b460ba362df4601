import {
  PlanShared,
  PlanUnshared,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatLroChanged,
  ThreatRegistered,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { loadRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { position, type Recorded } from './folded-events.js';
import {
  type AssessedScore,
  type ThreatSummaryRow,
  threatSummaries,
} from './meeting-pack-tables.js';

export const THREAT_EVENTS = [
  ThreatRegistered,
  ThreatLroChanged,
  PlanShared,
  PlanUnshared,
  ThreatAssessmentRecorded,
  ThreatAssessmentModerated,
  ThreatAssessmentReturned,
];
type ThreatEvent = Recorded<(typeof THREAT_EVENTS)[number]>;
const threatTypes = new Set<string>(THREAT_EVENTS.map((e) => e.type));

/**
 * What the meetings context learns of threats, only from the threats context's events: who may
 * see each one, its code name and its assessments' totals, for the agenda of a meeting pack.
 */
export async function applyThreatEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is ThreatEvent => threatTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.threatId))];
  const loaded = await loadRows(
    db,
    schema,
    threatSummaries,
    ids.map((threat_id) => ({ threat_id })),
  );
  const byId = new Map(loaded.map((row) => [row.threat_id, row]));
  const changed = new Set<string>();
  for (const event of own) {
    const { threatId } = event.data;
    if (event.type === ThreatRegistered.type) {
      byId.set(threatId, registered(event));
    } else {
      const summary = byId.get(threatId);
      if (!summary) continue;
      foldSummary(summary, event);
      summary.global_position = position(event);
    }
    changed.add(threatId);
  }
  await upsertRows(
    db,
    schema,
    threatSummaries,
    [...changed].filter((id) => byId.has(id)).map((id) => byId.get(id)!),
  );
}

function registered(event: Recorded<typeof ThreatRegistered>): ThreatSummaryRow {
  const { data } = event;
  return {
    threat_id: data.threatId,
    owner_organisation_id: data.ownerOrganisationId,
    lro_organisation_id: data.lro.organisationId,
    shared_with: [],
    marking: data.marking,
    code_name: data.codeName,
    assessments: [],
    global_position: position(event),
  };
}

function moderated(
  summary: ThreatSummaryRow,
  assessmentId: string,
  moderationStatus: AssessedScore['moderationStatus'],
) {
  summary.assessments = summary.assessments.map((a) =>
    a.assessmentId === assessmentId ? { ...a, moderationStatus } : a,
  );
}

function foldSummary(summary: ThreatSummaryRow, event: ThreatEvent): void {
  switch (event.type) {
    case ThreatLroChanged.type:
      summary.lro_organisation_id = event.data.lro.organisationId;
      return;
    case PlanShared.type:
      summary.shared_with = [...new Set([...summary.shared_with, ...event.data.organisationIds])];
      return;
    case PlanUnshared.type:
      summary.shared_with = summary.shared_with.filter(
        (id) => !event.data.organisationIds.includes(id),
      );
      return;
    case ThreatAssessmentRecorded.type:
      summary.assessments = [
        ...summary.assessments,
        {
          assessmentId: event.data.assessmentId,
          assessedOn: event.data.assessedOn,
          totalScore: event.data.outputs.totalScore,
          moderationStatus: 'unmoderated',
        },
      ];
      return;
    case ThreatAssessmentModerated.type:
      moderated(summary, event.data.assessmentId, 'moderated');
      return;
    case ThreatAssessmentReturned.type:
      moderated(summary, event.data.assessmentId, 'returned');
      return;
    case ThreatRegistered.type:
      return;
  }
}
