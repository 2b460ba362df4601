import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type ActionStatus,
  PlanPersonAdded,
  PlanPersonRemoved,
  PlanReviewed,
  PlanUpdated,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatClosed,
  threatEvents,
  ThreatLroChanged,
  ThreatPhaseChanged,
  ThreatRegistered,
  ThreatTierChanged,
  PlanShared,
  PlanUnshared,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { insertRows, loadRows, updateRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { businessDate, position, type Recorded } from './folded-events.js';
import {
  type AssessedScore,
  type PlanActionEntry,
  type ThreatSummaryRow,
  type ThreatSummaryVersionRow,
  threatSummaries,
  threatSummaryVersions,
} from './meeting-pack-tables.js';

export const THREAT_EVENTS = [...threatEvents];
type ThreatEvent = Recorded<(typeof THREAT_EVENTS)[number]>;
const threatTypes = new Set<string>(THREAT_EVENTS.map((e) => e.type));

/**
 * What the meetings context learns of threats, only from the threats context's events: who may
 * see each one and its plan on a page (people by role only), for the agenda of a meeting, its
 * pack and what its publication sent. Each event also leaves the state it produced as a version.
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
  // The stored version each threat's first event of the batch supersedes.
  const superseded = loaded.map((row) => ({
    threat_id: row.threat_id,
    global_position: row.global_position,
    superseded_position: null as number | null,
  }));
  const versions: ThreatSummaryVersionRow[] = [];
  const latest = new Map<string, ThreatSummaryVersionRow>();
  for (const event of own) {
    const { threatId } = event.data;
    let summary = byId.get(threatId);
    if (event.type === ThreatRegistered.type) {
      summary = registered(event);
      byId.set(threatId, summary);
    } else if (summary) {
      foldSummary(summary, event);
      summary.global_position = position(event);
    } else {
      continue;
    }
    const previous = latest.get(threatId) ?? superseded.find((s) => s.threat_id === threatId);
    if (previous) previous.superseded_position = position(event);
    const version = { ...summary, superseded_position: null };
    latest.set(threatId, version);
    versions.push(version);
  }
  await upsertRows(
    db,
    schema,
    threatSummaries,
    [...latest.keys()].map((id) => byId.get(id)!),
  );
  await insertRows(db, schema, threatSummaryVersions, versions);
  await updateRows(
    db,
    schema,
    threatSummaryVersions,
    superseded.filter((s) => s.superseded_position !== null),
    { match: ['threat_id', 'global_position'], set: ['superseded_position'] },
  );
}

function registered(event: Recorded<typeof ThreatRegistered>): ThreatSummaryRow {
  const { data } = event;
  return {
    threat_id: data.threatId,
    owner_organisation_id: data.ownerOrganisationId,
    lro_organisation_id: data.lro.organisationId,
    lro_person_id: data.lro.personId,
    sro: data.sro,
    shared_with: [],
    marking: data.marking,
    code_name: data.codeName,
    kind: data.kind,
    summary: data.summary,
    priority_area: data.priorityArea,
    type: data.type,
    tier: data.tier,
    phase: data.phase,
    closed_on: null,
    place: data.place,
    clear_hold_build_phase: data.clearHoldBuildPhase,
    criminal_activity: null,
    places_affected: [],
    risks: [],
    review_date: null,
    last_reviewed_on: null,
    people: [],
    plan_actions: [],
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

function changeAction(
  summary: ThreatSummaryRow,
  actionId: string,
  change: Partial<PlanActionEntry> & { status?: ActionStatus },
) {
  summary.plan_actions = summary.plan_actions.map((a) =>
    a.actionId === actionId ? { ...a, ...change } : a,
  );
}

function foldPlan(summary: ThreatSummaryRow, event: ThreatEvent): boolean {
  switch (event.type) {
    case PlanUpdated.type:
      summary.criminal_activity = event.data.criminalActivity;
      summary.places_affected = [...event.data.placesAffected];
      summary.risks = [...event.data.risks];
      summary.review_date = event.data.reviewDate;
      return true;
    case PlanReviewed.type:
      summary.last_reviewed_on = event.data.reviewedOn;
      summary.review_date = event.data.nextReviewDate;
      return true;
    case PlanPersonAdded.type:
      summary.people = [
        ...summary.people,
        { involvementId: event.data.involvementId, role: event.data.role },
      ];
      return true;
    case PlanPersonRemoved.type:
      summary.people = summary.people.filter((p) => p.involvementId !== event.data.involvementId);
      return true;
    case ActionProposed.type: {
      const { threatId: _threatId, ...action } = event.data;
      summary.plan_actions = [
        ...summary.plan_actions,
        { ...action, status: 'proposed', outcome: null, completedOn: null, lastProgressOn: null },
      ];
      return true;
    }
    case ActionAgreed.type:
      changeAction(summary, event.data.actionId, { status: 'agreed' });
      return true;
    case ActionStarted.type:
      changeAction(summary, event.data.actionId, { status: 'in-progress' });
      return true;
    case ActionCompleted.type:
      changeAction(summary, event.data.actionId, {
        status: 'done',
        outcome: event.data.outcome,
        completedOn: businessDate(event),
      });
      return true;
    case ActionCancelled.type:
      changeAction(summary, event.data.actionId, { status: 'cancelled' });
      return true;
    case ActionProgressRecorded.type:
      changeAction(summary, event.data.actionId, { lastProgressOn: event.data.on });
      return true;
    default:
      return false;
  }
}

function foldSummary(summary: ThreatSummaryRow, event: ThreatEvent): void {
  if (foldPlan(summary, event)) return;
  switch (event.type) {
    case ThreatTierChanged.type:
      summary.tier = event.data.tier;
      return;
    case ThreatPhaseChanged.type:
      summary.phase = event.data.phase;
      return;
    case ThreatClosed.type:
      summary.closed_on = businessDate(event);
      return;
    case ThreatLroChanged.type:
      summary.lro_organisation_id = event.data.lro.organisationId;
      summary.lro_person_id = event.data.lro.personId;
      summary.sro = event.data.sro;
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
  }
}
