import { column, defineTable, type RowOf } from '@soc/messaging';

/*
 * The threats projection's tables, named as their columns are. Dates are `YYYY-MM-DD`,
 * timestamps ISO 8601.
 *
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
/** Neither states nor signposts hold names or anything beyond an owner and what counts need. */
const EVERYONE = 'true';

/** Who may see a threat's rows: copied onto every table that row-level security filters. */
const threatAccessColumns = {
  owner_organisation_id: column.text(),
  lro_organisation_id: column.text(),
  shared_with: column.textArray(),
  marking: column.text(),
};

/** Actions are seen by their owner organisation, the threat's owner and the LRO's organisation. */
const actionAccessColumns = {
  threat_owner_organisation_id: column.text(),
  lro_organisation_id: column.text(),
  owner_organisation_id: column.text(),
};

export type ThreatAccess = RowOf<typeof threatAccessColumns>;
export type ActionAccess = RowOf<typeof actionAccessColumns>;

export const threats = defineTable('threats', {
  columns: {
    threat_id: column.text(),
    ...threatAccessColumns,
    kind: column.text(),
    code_name: column.text(),
    summary: column.text(),
    priority_area: column.text(),
    type: column.text(),
    tier: column.integer(),
    phase: column.text(),
    soc: column.boolean(),
    lro_person_id: column.text(),
    sro_person_id: column.text().orNull(),
    sro_organisation_id: column.text().orNull(),
    place: column.text().orNull(),
    clear_hold_build_phase: column.text().orNull(),
    signposting: column.boolean(),
    opened_on: column.date(),
    registered_at: column.timestamptz(),
    closed_at: column.timestamptz().orNull(),
    closed_reason: column.text().orNull(),
    assessment_id: column.text().orNull(),
    model_version: column.text().orNull(),
    scores: column.jsonb<Record<string, number>>().orNull(),
    outputs: column.jsonb<Record<string, unknown>>().orNull(),
    total_score: column.numeric().orNull(),
    assessed_on: column.date().orNull(),
    intelligence_date: column.date().orNull(),
    moderation_status: column.text().orNull(),
    moderation_note: column.text().orNull(),
    previous_total_score: column.numeric().orNull(),
    criminal_activity: column.text().orNull(),
    places_affected: column.textArray(),
    risks: column.textArray(),
    review_date: column.date().orNull(),
    last_reviewed_on: column.date().orNull(),
    last_activity_at: column.timestamptz(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id'],
  indexes: [['owner_organisation_id', 'code_name'], ['lro_person_id']],
  readPolicy: THREAT_POLICY,
  // Room on the page: most batches rewrite every row they touch.
  fillfactor: 70,
});

/** A dated row per change of what the counting rule looks at. */
export const threatStates = defineTable('threat_states', {
  columns: {
    threat_id: column.text(),
    valid_from: column.timestamptz(),
    global_position: column.bigint(),
    owner_organisation_id: column.text(),
    type: column.text(),
    moderation_status: column.text().orNull(),
    soc: column.boolean(),
    tier: column.integer(),
    phase: column.text(),
  },
  primaryKey: ['threat_id', 'global_position'],
  indexes: [['threat_id', 'valid_from DESC', 'global_position DESC']],
  readPolicy: EVERYONE,
});

export const assessments = defineTable('assessments', {
  columns: {
    threat_id: column.text(),
    assessment_id: column.text(),
    ...threatAccessColumns,
    model_version: column.text(),
    scores: column.jsonb<Record<string, number>>(),
    outputs: column.jsonb<Record<string, unknown>>(),
    total_score: column.numeric(),
    assessed_on: column.date(),
    intelligence_date: column.date(),
    rationale: column.text(),
    recorded_at: column.timestamptz(),
    recorded_by_person_id: column.text(),
    recorded_by_organisation_id: column.text(),
    moderation_status: column.text(),
    moderation_note: column.text().orNull(),
    moderated_by_person_id: column.text().orNull(),
    moderated_by_organisation_id: column.text().orNull(),
    moderated_at: column.timestamptz().orNull(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id', 'assessment_id'],
  readPolicy: THREAT_POLICY,
});

export const actions = defineTable('actions', {
  columns: {
    threat_id: column.text(),
    action_id: column.text(),
    ...actionAccessColumns,
    category: column.text(),
    description: column.text(),
    owner_person_id: column.text(),
    due_date: column.date(),
    status: column.text(),
    outcome: column.text().orNull(),
    cancellation_reason: column.text().orNull(),
    created_at: column.timestamptz(),
    updated_at: column.timestamptz(),
    last_progress_at: column.timestamptz().orNull(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id', 'action_id'],
  readPolicy: ACTION_POLICY,
});

export const actionProgress = defineTable('action_progress', {
  columns: {
    threat_id: column.text(),
    action_id: column.text(),
    global_position: column.bigint(),
    ...actionAccessColumns,
    note: column.text(),
    progress_on: column.date(),
    recorded_at: column.timestamptz(),
    recorded_by_person_id: column.text(),
    recorded_by_organisation_id: column.text(),
  },
  primaryKey: ['threat_id', 'action_id', 'global_position'],
  readPolicy: ACTION_POLICY,
});

export const planPeople = defineTable('plan_people', {
  columns: {
    threat_id: column.text(),
    involvement_id: column.text(),
    ...threatAccessColumns,
    subject_id: column.text(),
    /** The sealed name exactly as the event carries it: opened (or found erased) at query time. */
    name: column.jsonb(),
    role: column.text(),
    removed: column.boolean(),
    removed_reason: column.text().orNull(),
    added_at: column.timestamptz(),
    removed_at: column.timestamptz().orNull(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id', 'involvement_id'],
  readPolicy: RELATED,
});

export const signposts = defineTable('signposts', {
  columns: { threat_id: column.text(), owner_organisation_id: column.text() },
  primaryKey: ['threat_id'],
  readPolicy: EVERYONE,
});

/**
 * Safeguarding referrals raised from a protect action of the plan, from the safeguarding
 * context's events: their status and categories, never whom they are about. Seen as the action is.
 */
export const actionReferrals = defineTable('action_referrals', {
  columns: {
    referral_id: column.text(),
    threat_id: column.text(),
    action_id: column.text(),
    ...actionAccessColumns,
    status: column.text(),
    concerns: column.textArray(),
    urgency: column.text(),
    raised_at: column.timestamptz(),
    global_position: column.bigint(),
  },
  primaryKey: ['referral_id'],
  indexes: [['threat_id', 'action_id']],
  readPolicy: ACTION_POLICY,
});

export type ThreatRow = RowOf<typeof threats>;
export type ThreatStateRow = RowOf<typeof threatStates>;
export type AssessmentRow = RowOf<typeof assessments>;
export type ActionRow = RowOf<typeof actions>;
export type ActionProgressRow = RowOf<typeof actionProgress>;
export type PlanPersonRow = RowOf<typeof planPeople>;
export type SignpostRow = RowOf<typeof signposts>;
export type ActionReferralRow = RowOf<typeof actionReferrals>;
