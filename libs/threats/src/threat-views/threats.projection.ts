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
  planEvents,
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
import type { Projection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import type { ThreatEvent } from '../threat/threat.js';
import { loadRows, type RowSet, writeRows } from './row-sets.js';

/*
 * Row shapes, one per table, named as the columns are. Dates are `YYYY-MM-DD`, timestamps ISO 8601.
 */

/** Who may see a threat's rows: copied onto every table that row-level security filters. */
interface ThreatAccess {
  owner_organisation_id: string;
  lro_organisation_id: string;
  shared_with: string[];
  marking: string;
}

export interface ThreatRow extends ThreatAccess {
  threat_id: string;
  kind: string;
  code_name: string;
  summary: string;
  priority_area: string;
  type: string;
  tier: number;
  phase: string;
  soc: boolean;
  lro_person_id: string;
  sro_person_id: string | null;
  sro_organisation_id: string | null;
  place: string | null;
  clear_hold_build_phase: string | null;
  signposting: boolean;
  opened_on: string;
  registered_at: string;
  closed_at: string | null;
  closed_reason: string | null;
  assessment_id: string | null;
  model_version: string | null;
  scores: Record<string, number> | null;
  outputs: Record<string, unknown> | null;
  total_score: number | null;
  assessed_on: string | null;
  intelligence_date: string | null;
  moderation_status: string | null;
  moderation_note: string | null;
  previous_total_score: number | null;
  criminal_activity: string | null;
  places_affected: string[];
  risks: string[];
  review_date: string | null;
  last_reviewed_on: string | null;
  last_activity_at: string;
  global_position: number;
}

export interface ThreatStateRow {
  threat_id: string;
  valid_from: string;
  global_position: number;
  owner_organisation_id: string;
  type: string;
  moderation_status: string | null;
  soc: boolean;
  tier: number;
  phase: string;
}

export interface AssessmentRow extends ThreatAccess {
  threat_id: string;
  assessment_id: string;
  model_version: string;
  scores: Record<string, number>;
  outputs: Record<string, unknown>;
  total_score: number;
  assessed_on: string;
  intelligence_date: string;
  rationale: string;
  recorded_at: string;
  recorded_by_person_id: string;
  recorded_by_organisation_id: string;
  moderation_status: string;
  moderation_note: string | null;
  moderated_by_person_id: string | null;
  moderated_by_organisation_id: string | null;
  moderated_at: string | null;
  global_position: number;
}

/** Actions are seen by their owner organisation, the threat's owner and the LRO's organisation. */
interface ActionAccess {
  threat_owner_organisation_id: string;
  lro_organisation_id: string;
  owner_organisation_id: string;
}

export interface ActionRow extends ActionAccess {
  threat_id: string;
  action_id: string;
  category: string;
  description: string;
  owner_person_id: string;
  due_date: string;
  status: string;
  outcome: string | null;
  cancellation_reason: string | null;
  created_at: string;
  updated_at: string;
  last_progress_at: string | null;
  global_position: number;
}

export interface ActionProgressRow extends ActionAccess {
  threat_id: string;
  action_id: string;
  global_position: number;
  note: string;
  progress_on: string;
  recorded_at: string;
  recorded_by_person_id: string;
  recorded_by_organisation_id: string;
}

export interface PlanPersonRow extends ThreatAccess {
  threat_id: string;
  involvement_id: string;
  subject_id: string;
  /** The sealed name exactly as the event carries it: opened (or found erased) at query time. */
  name: unknown;
  role: string;
  removed: boolean;
  removed_reason: string | null;
  added_at: string;
  removed_at: string | null;
  global_position: number;
}

export interface SignpostRow {
  threat_id: string;
  owner_organisation_id: string;
}

const ACCESS_COLUMNS = {
  owner_organisation_id: 'text',
  lro_organisation_id: 'text',
  shared_with: 'text[]',
  marking: 'text',
} as const;

const ACTION_ACCESS_COLUMNS = {
  threat_owner_organisation_id: 'text',
  lro_organisation_id: 'text',
  owner_organisation_id: 'text',
} as const;

const THREATS: RowSet<ThreatRow> = {
  table: 'threats',
  key: ['threat_id'],
  columns: {
    threat_id: 'text',
    ...ACCESS_COLUMNS,
    kind: 'text',
    code_name: 'text',
    summary: 'text',
    priority_area: 'text',
    type: 'text',
    tier: 'integer',
    phase: 'text',
    soc: 'boolean',
    lro_person_id: 'text',
    sro_person_id: 'text',
    sro_organisation_id: 'text',
    place: 'text',
    clear_hold_build_phase: 'text',
    signposting: 'boolean',
    opened_on: 'date',
    registered_at: 'timestamptz',
    closed_at: 'timestamptz',
    closed_reason: 'text',
    assessment_id: 'text',
    model_version: 'text',
    scores: 'jsonb',
    outputs: 'jsonb',
    total_score: 'numeric',
    assessed_on: 'date',
    intelligence_date: 'date',
    moderation_status: 'text',
    moderation_note: 'text',
    previous_total_score: 'numeric',
    criminal_activity: 'text',
    places_affected: 'text[]',
    risks: 'text[]',
    review_date: 'date',
    last_reviewed_on: 'date',
    last_activity_at: 'timestamptz',
    global_position: 'bigint',
  },
};

const THREAT_STATES: RowSet<ThreatStateRow> = {
  table: 'threat_states',
  key: ['threat_id', 'global_position'],
  columns: {
    threat_id: 'text',
    valid_from: 'timestamptz',
    global_position: 'bigint',
    owner_organisation_id: 'text',
    type: 'text',
    moderation_status: 'text',
    soc: 'boolean',
    tier: 'integer',
    phase: 'text',
  },
};

const ASSESSMENTS: RowSet<AssessmentRow> = {
  table: 'assessments',
  key: ['threat_id', 'assessment_id'],
  columns: {
    threat_id: 'text',
    assessment_id: 'text',
    ...ACCESS_COLUMNS,
    model_version: 'text',
    scores: 'jsonb',
    outputs: 'jsonb',
    total_score: 'numeric',
    assessed_on: 'date',
    intelligence_date: 'date',
    rationale: 'text',
    recorded_at: 'timestamptz',
    recorded_by_person_id: 'text',
    recorded_by_organisation_id: 'text',
    moderation_status: 'text',
    moderation_note: 'text',
    moderated_by_person_id: 'text',
    moderated_by_organisation_id: 'text',
    moderated_at: 'timestamptz',
    global_position: 'bigint',
  },
};

const ACTIONS: RowSet<ActionRow> = {
  table: 'actions',
  key: ['threat_id', 'action_id'],
  columns: {
    threat_id: 'text',
    action_id: 'text',
    ...ACTION_ACCESS_COLUMNS,
    category: 'text',
    description: 'text',
    owner_person_id: 'text',
    due_date: 'date',
    status: 'text',
    outcome: 'text',
    cancellation_reason: 'text',
    created_at: 'timestamptz',
    updated_at: 'timestamptz',
    last_progress_at: 'timestamptz',
    global_position: 'bigint',
  },
};

const ACTION_PROGRESS: RowSet<ActionProgressRow> = {
  table: 'action_progress',
  key: ['threat_id', 'action_id', 'global_position'],
  columns: {
    threat_id: 'text',
    action_id: 'text',
    global_position: 'bigint',
    ...ACTION_ACCESS_COLUMNS,
    note: 'text',
    progress_on: 'date',
    recorded_at: 'timestamptz',
    recorded_by_person_id: 'text',
    recorded_by_organisation_id: 'text',
  },
};

const PLAN_PEOPLE: RowSet<PlanPersonRow> = {
  table: 'plan_people',
  key: ['threat_id', 'involvement_id'],
  columns: {
    threat_id: 'text',
    involvement_id: 'text',
    ...ACCESS_COLUMNS,
    subject_id: 'text',
    name: 'jsonb',
    role: 'text',
    removed: 'boolean',
    removed_reason: 'text',
    added_at: 'timestamptz',
    removed_at: 'timestamptz',
    global_position: 'bigint',
  },
};

const SIGNPOSTS: RowSet<SignpostRow> = {
  table: 'signposts',
  key: ['threat_id'],
  columns: { threat_id: 'text', owner_organisation_id: 'text' },
};

/*
 * Row-level security. A threat, its assessments and the people on its plan: the owner, the LRO's
 * organisation, an organisation it is shared with unless it is OFFICIAL-SENSITIVE, the auditors
 * and (except people) the ROCU's moderators. Actions: the organisation owning the action, the
 * threat's owner and the LRO's organisation, and the auditors: partners see only their own.
 */
const RELATED = `owner_organisation_id = security.caller_organisation()
  OR lro_organisation_id = security.caller_organisation()
  OR (marking = 'OFFICIAL' AND security.caller_organisation() = ANY (shared_with))
  OR security.caller_has_role('auditor')`;
const THREAT_POLICY = `${RELATED} OR security.caller_has_role('rocta-moderator')`;
const ACTION_POLICY = `owner_organisation_id = security.caller_organisation()
  OR threat_owner_organisation_id = security.caller_organisation()
  OR lro_organisation_id = security.caller_organisation()
  OR security.caller_has_role('auditor')`;

/** What one batch touches, loaded once, folded in memory, written back with a few statements. */
class Batch {
  readonly threats = new Map<string, ThreatRow>();
  readonly assessments = new Map<string, AssessmentRow>();
  readonly actions = new Map<string, ActionRow>();
  readonly people = new Map<string, PlanPersonRow>();
  readonly states: ThreatStateRow[] = [];
  readonly progress: ActionProgressRow[] = [];
  readonly signposts: SignpostRow[] = [];
  readonly changed = {
    threats: new Set<string>(),
    assessments: new Set<string>(),
    actions: new Set<string>(),
    people: new Set<string>(),
  };
  /** Threats loaded from the table whose LRO or sharing changed: their older rows follow. */
  readonly accessChanged = new Set<string>();
  private readonly loadedAccess = new Map<string, string>();

  static async load(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const batch = new Batch();
    const threatIds = new Set<string>();
    const assessmentKeys = new Map<string, string[]>();
    const actionKeys = new Map<string, string[]>();
    const personKeys = new Map<string, string[]>();
    for (const event of events) {
      const data = event.data as {
        threatId: string;
        assessmentId?: string;
        actionId?: string;
        involvementId?: string;
      };
      threatIds.add(data.threatId);
      const keyed: [Map<string, string[]>, string | undefined][] = [
        [assessmentKeys, data.assessmentId],
        [actionKeys, data.actionId],
        [personKeys, data.involvementId],
      ];
      for (const [keys, id] of keyed) {
        if (id !== undefined) keys.set(childKey(data.threatId, id), [data.threatId, id]);
      }
    }
    // One statement per table, one after the other: a client runs one query at a time.
    const threats = await loadRows(
      db,
      schema,
      THREATS,
      [...threatIds].map((id) => [id]),
    );
    const assessments = await loadRows(db, schema, ASSESSMENTS, [...assessmentKeys.values()]);
    const actions = await loadRows(db, schema, ACTIONS, [...actionKeys.values()]);
    const people = await loadRows(db, schema, PLAN_PEOPLE, [...personKeys.values()]);
    for (const row of threats) {
      batch.threats.set(row.threat_id, row);
      batch.loadedAccess.set(row.threat_id, accessSignature(row));
    }
    for (const row of assessments) {
      batch.assessments.set(childKey(row.threat_id, row.assessment_id), row);
    }
    for (const row of actions) batch.actions.set(childKey(row.threat_id, row.action_id), row);
    for (const row of people) batch.people.set(childKey(row.threat_id, row.involvement_id), row);
    return batch;
  }

  /** Rows written by this batch carry the access columns of the threat as the batch leaves it. */
  finish(): void {
    for (const [threatId, before] of this.loadedAccess) {
      const threat = this.threats.get(threatId)!;
      if (accessSignature(threat) !== before) this.accessChanged.add(threatId);
    }
    for (const key of this.changed.assessments) {
      const row = this.assessments.get(key)!;
      Object.assign(row, threatAccess(this.threats.get(row.threat_id)!));
    }
    for (const key of this.changed.people) {
      const row = this.people.get(key)!;
      Object.assign(row, threatAccess(this.threats.get(row.threat_id)!));
    }
    for (const key of this.changed.actions) {
      const row = this.actions.get(key)!;
      Object.assign(row, actionAccess(this.threats.get(row.threat_id)!, row.owner_organisation_id));
    }
    for (const row of this.progress) {
      Object.assign(row, actionAccess(this.threats.get(row.threat_id)!, row.owner_organisation_id));
    }
  }

  async write(db: PoolClient, schema: string): Promise<void> {
    const pick = <Row>(rows: Map<string, Row>, keys: Set<string>) =>
      [...keys].map((key) => rows.get(key)!);
    await writeRows(db, schema, THREATS, pick(this.threats, this.changed.threats));
    await writeRows(db, schema, THREAT_STATES, this.states, 'insert');
    await writeRows(db, schema, ASSESSMENTS, pick(this.assessments, this.changed.assessments));
    await writeRows(db, schema, ACTIONS, pick(this.actions, this.changed.actions));
    await writeRows(db, schema, ACTION_PROGRESS, this.progress, 'insert');
    await writeRows(db, schema, PLAN_PEOPLE, pick(this.people, this.changed.people));
    await writeRows(db, schema, SIGNPOSTS, this.signposts, 'insert');
    await this.propagateAccess(db, schema);
  }

  /** A new LRO or a change of sharing reaches the threat's rows written by earlier batches. */
  private async propagateAccess(db: PoolClient, schema: string): Promise<void> {
    if (this.accessChanged.size === 0) return;
    const threats = [...this.accessChanged].map((id) => this.threats.get(id)!);
    const params = [
      threats.map((t) => t.threat_id),
      threats.map((t) => t.lro_organisation_id),
      threats.map((t) => JSON.stringify(t.shared_with)),
    ];
    const changes = `unnest($1::text[], $2::text[], $3::jsonb[]) AS t(threat_id, lro, shared)`;
    for (const table of [ASSESSMENTS.table, PLAN_PEOPLE.table]) {
      await db.query(
        `UPDATE "${schema}".${table} c
            SET lro_organisation_id = t.lro,
                shared_with = ARRAY(SELECT jsonb_array_elements_text(t.shared))
           FROM ${changes}
          WHERE c.threat_id = t.threat_id
            AND (c.lro_organisation_id <> t.lro OR to_jsonb(c.shared_with) <> t.shared)`,
        params,
      );
    }
    for (const table of [ACTIONS.table, ACTION_PROGRESS.table]) {
      await db.query(
        `UPDATE "${schema}".${table} c SET lro_organisation_id = t.lro
           FROM ${changes}
          WHERE c.threat_id = t.threat_id AND c.lro_organisation_id <> t.lro`,
        params,
      );
    }
  }
}

const childKey = (threatId: string, id: string) => `${threatId}\u0000${id}`;

const accessSignature = (threat: ThreatRow) =>
  JSON.stringify([threat.lro_organisation_id, threat.shared_with]);

const threatAccess = (threat: ThreatRow): ThreatAccess => ({
  owner_organisation_id: threat.owner_organisation_id,
  lro_organisation_id: threat.lro_organisation_id,
  shared_with: [...threat.shared_with],
  marking: threat.marking,
});

const actionAccess = (threat: ThreatRow, ownerOrganisationId: string): ActionAccess => ({
  threat_owner_organisation_id: threat.owner_organisation_id,
  lro_organisation_id: threat.lro_organisation_id,
  owner_organisation_id: ownerOrganisationId,
});

/** A recorded event of the threat's stream, discriminated by its type. */
type Recorded<E extends ThreatEvent = ThreatEvent> = E extends unknown
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
const ACTIVITY = new Set<string>(
  planEvents.map((e) => e.type).filter((type) => /^plans\.(Plan|Action)/.test(type)),
);

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Folds one event into the batch's rows. Events of threats this projection never saw are skipped. */
function fold(batch: Batch, event: Recorded): void {
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

/** The indexes the queries need beyond the keys; a rebuild creates them once it has filled the tables. */
async function createIndexes(db: PoolClient, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await db.query(`CREATE INDEX ON ${s}.threats (owner_organisation_id, code_name)`);
  await db.query(`CREATE INDEX ON ${s}.threats (lro_person_id)`);
  await db.query(
    `CREATE INDEX ON ${s}.threat_states (threat_id, valid_from DESC, global_position DESC)`,
  );
}

async function createTables(db: PoolClient, schema: string): Promise<void> {
  const s = `"${schema}"`;
  const access = `
    owner_organisation_id text NOT NULL,
    lro_organisation_id   text NOT NULL,
    shared_with           text[] NOT NULL,
    marking               text NOT NULL`;
  const actionAccessColumns = `
    threat_owner_organisation_id text NOT NULL,
    lro_organisation_id          text NOT NULL,
    owner_organisation_id        text NOT NULL`;
  await db.query(`
    CREATE TABLE ${s}.threats (
      threat_id              text PRIMARY KEY,
      ${access},
      kind                   text NOT NULL,
      code_name              text NOT NULL,
      summary                text NOT NULL,
      priority_area          text NOT NULL,
      type                   text NOT NULL,
      tier                   integer NOT NULL,
      phase                  text NOT NULL,
      soc                    boolean NOT NULL,
      lro_person_id          text NOT NULL,
      sro_person_id          text,
      sro_organisation_id    text,
      place                  text,
      clear_hold_build_phase text,
      signposting            boolean NOT NULL,
      opened_on              date NOT NULL,
      registered_at          timestamptz NOT NULL,
      closed_at              timestamptz,
      closed_reason          text,
      assessment_id          text,
      model_version          text,
      scores                 jsonb,
      outputs                jsonb,
      total_score            numeric,
      assessed_on            date,
      intelligence_date      date,
      moderation_status      text,
      moderation_note        text,
      previous_total_score   numeric,
      criminal_activity      text,
      places_affected        text[] NOT NULL,
      risks                  text[] NOT NULL,
      review_date            date,
      last_reviewed_on       date,
      last_activity_at       timestamptz NOT NULL,
      global_position        bigint NOT NULL
    ) WITH (fillfactor = 70)`); // room on the page: most batches rewrite every row they touch
  await db.query(`
    CREATE TABLE ${s}.threat_states (
      threat_id             text NOT NULL,
      valid_from            timestamptz NOT NULL,
      global_position       bigint NOT NULL,
      owner_organisation_id text NOT NULL,
      type                  text NOT NULL,
      moderation_status     text,
      soc                   boolean NOT NULL,
      tier                  integer NOT NULL,
      phase                 text NOT NULL,
      PRIMARY KEY (threat_id, global_position)
    )`);
  await db.query(`
    CREATE TABLE ${s}.assessments (
      threat_id                    text NOT NULL,
      assessment_id                text NOT NULL,
      ${access},
      model_version                text NOT NULL,
      scores                       jsonb NOT NULL,
      outputs                      jsonb NOT NULL,
      total_score                  numeric NOT NULL,
      assessed_on                  date NOT NULL,
      intelligence_date            date NOT NULL,
      rationale                    text NOT NULL,
      recorded_at                  timestamptz NOT NULL,
      recorded_by_person_id        text NOT NULL,
      recorded_by_organisation_id  text NOT NULL,
      moderation_status            text NOT NULL,
      moderation_note              text,
      moderated_by_person_id       text,
      moderated_by_organisation_id text,
      moderated_at                 timestamptz,
      global_position              bigint NOT NULL,
      PRIMARY KEY (threat_id, assessment_id)
    )`);
  await db.query(`
    CREATE TABLE ${s}.actions (
      threat_id           text NOT NULL,
      action_id           text NOT NULL,
      ${actionAccessColumns},
      category            text NOT NULL,
      description         text NOT NULL,
      owner_person_id     text NOT NULL,
      due_date            date NOT NULL,
      status              text NOT NULL,
      outcome             text,
      cancellation_reason text,
      created_at          timestamptz NOT NULL,
      updated_at          timestamptz NOT NULL,
      last_progress_at    timestamptz,
      global_position     bigint NOT NULL,
      PRIMARY KEY (threat_id, action_id)
    )`);
  await db.query(`
    CREATE TABLE ${s}.action_progress (
      threat_id                   text NOT NULL,
      action_id                   text NOT NULL,
      global_position             bigint NOT NULL,
      ${actionAccessColumns},
      note                        text NOT NULL,
      progress_on                 date NOT NULL,
      recorded_at                 timestamptz NOT NULL,
      recorded_by_person_id       text NOT NULL,
      recorded_by_organisation_id text NOT NULL,
      PRIMARY KEY (threat_id, action_id, global_position)
    )`);
  await db.query(`
    CREATE TABLE ${s}.plan_people (
      threat_id       text NOT NULL,
      involvement_id  text NOT NULL,
      ${access},
      subject_id      text NOT NULL,
      name            jsonb NOT NULL,
      role            text NOT NULL,
      removed         boolean NOT NULL,
      removed_reason  text,
      added_at        timestamptz NOT NULL,
      removed_at      timestamptz,
      global_position bigint NOT NULL,
      PRIMARY KEY (threat_id, involvement_id)
    )`);
  await db.query(`
    CREATE TABLE ${s}.signposts (
      threat_id             text PRIMARY KEY,
      owner_organisation_id text NOT NULL
    )`);
}

/**
 * The SOC master list and the plans on a page. Each batch loads the rows of the threats (and
 * assessments, actions, people) it touches in a few statements, folds its events in memory in
 * order, and writes the result back set by set. Names of people stay sealed: they are opened,
 * or found erased, when a query discloses them.
 */
export const threatsProjection: Projection = {
  name: 'threats',
  handles: planEvents.map((e) => e.type),
  tables: [
    THREATS.table,
    THREAT_STATES.table,
    ASSESSMENTS.table,
    ACTIONS.table,
    ACTION_PROGRESS.table,
    PLAN_PEOPLE.table,
    SIGNPOSTS.table,
  ],
  readPolicies: {
    [THREATS.table]: THREAT_POLICY,
    [ASSESSMENTS.table]: THREAT_POLICY,
    [PLAN_PEOPLE.table]: RELATED,
    [ACTIONS.table]: ACTION_POLICY,
    [ACTION_PROGRESS.table]: ACTION_POLICY,
    // Neither holds names nor anything beyond an owner and the attributes the count needs.
    [THREAT_STATES.table]: 'true',
    [SIGNPOSTS.table]: 'true',
  },
  createTables,
  createIndexes,

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const batch = await Batch.load(db, schema, events);
    for (const event of events) fold(batch, event as Recorded);
    batch.finish();
    await batch.write(db, schema);
  },
};
