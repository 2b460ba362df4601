import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
  type EventOf,
  PlanPersonAdded,
  PlanPersonRemoved,
  PlanReviewed,
  PlanShared,
  PlanUnshared,
  PlanUpdated,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatClosed,
  ThreatLroChanged,
  ThreatPhaseChanged,
  ThreatRegistered,
  ThreatTierChanged,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import type { ThreatEvent } from '../threat/threat.js';
import { actionAccess, type Batch, childKey, threatAccess } from './threat-batch.js';
import type { ThreatRow } from './threat-tables.js';

/** A recorded event of the threat's stream, discriminated by its type. */
export type Recorded<E extends ThreatEvent = ThreatEvent> = E extends unknown
  ? RecordedEvent<E['type'], E['data']>
  : never;
type RecordedOf<C> = Recorded<Extract<ThreatEvent, EventOf<C>>>;

function registered(event: RecordedOf<typeof ThreatRegistered>): ThreatRow {
  const { data } = event;
  return {
    threat_id: data.threatId,
    owner_organisation_id: data.ownerOrganisationId,
    lro_organisation_id: data.lro.organisationId,
    shared_with: [],
    marking: data.marking,
    kind: data.kind,
    code_name: data.codeName,
    summary: data.summary,
    priority_area: data.priorityArea,
    type: data.type,
    tier: data.tier,
    phase: data.phase,
    soc: data.soc,
    lro_person_id: data.lro.personId,
    sro_person_id: data.sro?.personId ?? null,
    sro_organisation_id: data.sro?.organisationId ?? null,
    place: data.place,
    clear_hold_build_phase: data.clearHoldBuildPhase,
    signposting: data.signposting,
    opened_on: data.openedOn,
    registered_at: event.occurredAt,
    closed_at: null,
    closed_reason: null,
    assessment_id: null,
    model_version: null,
    scores: null,
    outputs: null,
    total_score: null,
    assessed_on: null,
    intelligence_date: null,
    moderation_status: null,
    moderation_note: null,
    previous_total_score: null,
    criminal_activity: null,
    places_affected: [],
    risks: [],
    review_date: null,
    last_reviewed_on: null,
    last_activity_at: event.occurredAt,
    global_position: event.globalPosition ?? 0,
  };
}

/** Events that change what the counting rule looks at: each leaves a dated state row. */
const COUNTED = new Set<string>([
  ThreatRegistered.type,
  ThreatTierChanged.type,
  ThreatPhaseChanged.type,
  ThreatClosed.type,
  ThreatAssessmentRecorded.type,
  ThreatAssessmentModerated.type,
  ThreatAssessmentReturned.type,
]);

/** Plan and action events: the plan's owner is keeping it current. */
const ACTIVITY = new Set<string>([
  PlanUpdated.type,
  PlanReviewed.type,
  PlanShared.type,
  PlanUnshared.type,
  PlanPersonAdded.type,
  PlanPersonRemoved.type,
  ActionProposed.type,
  ActionAgreed.type,
  ActionStarted.type,
  ActionCompleted.type,
  ActionCancelled.type,
  ActionProgressRecorded.type,
]);

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Folds one event into the batch's rows. Events of threats this projection never saw are skipped. */
export function fold(batch: Batch, event: Recorded): void {
  const threatId = event.data.threatId;
  if (event.type === ThreatRegistered.type) {
    const threat = registered(event as RecordedOf<typeof ThreatRegistered>);
    batch.threats.set(threatId, threat);
    if (threat.signposting) {
      batch.signposts.push({
        threat_id: threatId,
        owner_organisation_id: threat.owner_organisation_id,
      });
    }
  }
  const threat = batch.threats.get(threatId);
  if (!threat) return;
  foldIntoThreat(batch, threat, event);
  threat.global_position = event.globalPosition ?? threat.global_position;
  if (ACTIVITY.has(event.type)) {
    threat.last_activity_at = later(threat.last_activity_at, event.occurredAt);
  }
  batch.changed.threats.add(threatId);
  if (COUNTED.has(event.type)) {
    batch.states.push({
      threat_id: threatId,
      valid_from: event.occurredAt,
      global_position: event.globalPosition ?? 0,
      owner_organisation_id: threat.owner_organisation_id,
      type: threat.type,
      moderation_status: threat.moderation_status,
      soc: threat.soc,
      tier: threat.tier,
      phase: threat.phase,
    });
  }
}

function foldIntoThreat(batch: Batch, threat: ThreatRow, event: Recorded): void {
  switch (event.type) {
    case ThreatTierChanged.type:
      threat.tier = event.data.tier;
      return;
    case ThreatPhaseChanged.type:
      threat.phase = event.data.phase;
      return;
    case ThreatLroChanged.type:
      threat.lro_person_id = event.data.lro.personId;
      threat.lro_organisation_id = event.data.lro.organisationId;
      threat.sro_person_id = event.data.sro?.personId ?? null;
      threat.sro_organisation_id = event.data.sro?.organisationId ?? null;
      return;
    case ThreatClosed.type:
      threat.phase = 'closed';
      threat.closed_at = event.occurredAt;
      threat.closed_reason = event.data.reason;
      return;
    case ThreatAssessmentRecorded.type:
    case ThreatAssessmentModerated.type:
    case ThreatAssessmentReturned.type:
      foldAssessment(batch, threat, event);
      return;
    case PlanUpdated.type:
      threat.criminal_activity = event.data.criminalActivity;
      threat.places_affected = [...event.data.placesAffected];
      threat.risks = [...event.data.risks];
      threat.review_date = event.data.reviewDate;
      return;
    case PlanReviewed.type:
      threat.last_reviewed_on = event.data.reviewedOn;
      threat.review_date = event.data.nextReviewDate;
      return;
    case PlanShared.type:
      threat.shared_with = [...new Set([...threat.shared_with, ...event.data.organisationIds])];
      return;
    case PlanUnshared.type:
      threat.shared_with = threat.shared_with.filter(
        (id) => !event.data.organisationIds.includes(id),
      );
      return;
    case PlanPersonAdded.type:
    case PlanPersonRemoved.type:
      foldPerson(batch, threat, event);
      return;
    default:
      foldAction(batch, threat, event);
  }
}

function foldAssessment(
  batch: Batch,
  threat: ThreatRow,
  event: RecordedOf<
    | typeof ThreatAssessmentRecorded
    | typeof ThreatAssessmentModerated
    | typeof ThreatAssessmentReturned
  >,
): void {
  const key = childKey(threat.threat_id, event.data.assessmentId);
  if (event.type === ThreatAssessmentRecorded.type) {
    const { data } = event;
    batch.assessments.set(key, {
      threat_id: threat.threat_id,
      assessment_id: data.assessmentId,
      ...threatAccess(threat),
      model_version: data.modelVersion,
      scores: { ...data.scores },
      outputs: { ...data.outputs },
      total_score: data.outputs.totalScore,
      assessed_on: data.assessedOn,
      intelligence_date: data.intelligenceDate,
      rationale: data.rationale,
      recorded_at: event.occurredAt,
      recorded_by_person_id: event.actor.personId,
      recorded_by_organisation_id: event.actor.organisationId,
      moderation_status: 'unmoderated',
      moderation_note: null,
      moderated_by_person_id: null,
      moderated_by_organisation_id: null,
      moderated_at: null,
      global_position: event.globalPosition ?? 0,
    });
    batch.changed.assessments.add(key);
    threat.previous_total_score = threat.total_score;
    threat.assessment_id = data.assessmentId;
    threat.model_version = data.modelVersion;
    threat.scores = { ...data.scores };
    threat.outputs = { ...data.outputs };
    threat.total_score = data.outputs.totalScore;
    threat.assessed_on = data.assessedOn;
    threat.intelligence_date = data.intelligenceDate;
    threat.moderation_status = 'unmoderated';
    threat.moderation_note = null;
    return;
  }
  const moderated = event.type === ThreatAssessmentModerated.type;
  const status = moderated ? 'moderated' : 'returned';
  const note = moderated ? event.data.note : event.data.reason;
  const assessment = batch.assessments.get(key);
  if (assessment) {
    assessment.moderation_status = status;
    assessment.moderation_note = note;
    assessment.moderated_by_person_id = event.actor.personId;
    assessment.moderated_by_organisation_id = event.actor.organisationId;
    assessment.moderated_at = event.occurredAt;
    assessment.global_position = event.globalPosition ?? assessment.global_position;
    batch.changed.assessments.add(key);
  }
  // As the domain has it: only the assessment that stands moves the threat's moderation status.
  if (threat.assessment_id === event.data.assessmentId) {
    threat.moderation_status = status;
    threat.moderation_note = note;
  }
}

function foldPerson(
  batch: Batch,
  threat: ThreatRow,
  event: RecordedOf<typeof PlanPersonAdded | typeof PlanPersonRemoved>,
): void {
  const key = childKey(threat.threat_id, event.data.involvementId);
  if (event.type === PlanPersonAdded.type) {
    batch.people.set(key, {
      threat_id: threat.threat_id,
      involvement_id: event.data.involvementId,
      ...threatAccess(threat),
      subject_id: event.data.subjectId,
      name: event.data.name,
      role: event.data.role,
      removed: false,
      removed_reason: null,
      added_at: event.occurredAt,
      removed_at: null,
      global_position: event.globalPosition ?? 0,
    });
    batch.changed.people.add(key);
    return;
  }
  const person = batch.people.get(key);
  if (!person) return;
  person.removed = true;
  person.removed_reason = event.data.reason;
  person.removed_at = event.occurredAt;
  person.global_position = event.globalPosition ?? person.global_position;
  batch.changed.people.add(key);
}

const ACTION_STATUS: Record<string, string> = {
  [ActionAgreed.type]: 'agreed',
  [ActionStarted.type]: 'in-progress',
  [ActionCompleted.type]: 'done',
  [ActionCancelled.type]: 'cancelled',
};

function foldAction(batch: Batch, threat: ThreatRow, event: Recorded): void {
  if (!('actionId' in event.data)) return;
  const key = childKey(threat.threat_id, event.data.actionId);
  if (event.type === ActionProposed.type) {
    const { data } = event;
    batch.actions.set(key, {
      threat_id: threat.threat_id,
      action_id: data.actionId,
      ...actionAccess(threat, data.owner.organisationId),
      category: data.category,
      description: data.description,
      owner_person_id: data.owner.personId,
      due_date: data.dueDate,
      status: 'proposed',
      outcome: null,
      cancellation_reason: null,
      created_at: event.occurredAt,
      updated_at: event.occurredAt,
      last_progress_at: null,
      global_position: event.globalPosition ?? 0,
    });
    batch.changed.actions.add(key);
    return;
  }
  const action = batch.actions.get(key);
  if (!action) return;
  action.updated_at = later(action.updated_at, event.occurredAt);
  action.global_position = event.globalPosition ?? action.global_position;
  batch.changed.actions.add(key);
  if (event.type === ActionProgressRecorded.type) {
    action.last_progress_at = event.occurredAt;
    batch.progress.push({
      threat_id: threat.threat_id,
      action_id: action.action_id,
      global_position: event.globalPosition ?? 0,
      ...actionAccess(threat, action.owner_organisation_id),
      note: event.data.note,
      progress_on: event.data.on,
      recorded_at: event.occurredAt,
      recorded_by_person_id: event.actor.personId,
      recorded_by_organisation_id: event.actor.organisationId,
    });
    return;
  }
  const status = ACTION_STATUS[event.type];
  if (!status) return;
  action.status = status;
  if (event.type === ActionCompleted.type) action.outcome = event.data.outcome;
  if (event.type === ActionCancelled.type) action.cancellation_reason = event.data.reason;
}
