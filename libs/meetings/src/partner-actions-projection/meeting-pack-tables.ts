import type { ActionCategory, ActionStatus, PersonRef } from '@soc/contracts';
import { column, defineTable, type RowOf } from '@soc/messaging';
import type { AgendaEntry } from './partner-action-tables.js';

/*
 * The meeting pack's own tables in the meetings projection. Each row is fed by one stream only:
 * an item by its meeting's, a threat's summary by the threat's.
 *
 * Row-level security. An intelligence item with handling code P: every organisation of its
 * meeting; with handling code C only those it may go to; the chair's organisation, the one that
 * shared it and the auditors see both. A threat's summary: whom the threats context shows the
 * threat to (its owner, the LRO's organisation, an organisation it is shared with unless it is
 * OFFICIAL-SENSITIVE, the ROCU's moderators, the auditors).
 */
const ITEM_POLICY = `chair_organisation_id = security.caller_organisation()
  OR shared_by_organisation_id = security.caller_organisation()
  OR (handling = 'P' AND security.caller_organisation() = ANY (meeting_organisation_ids))
  OR (handling = 'C' AND security.caller_organisation() = ANY (may_go_to))
  OR security.caller_has_role('auditor')`;
const THREAT_POLICY = `owner_organisation_id = security.caller_organisation()
  OR lro_organisation_id = security.caller_organisation()
  OR (marking = 'OFFICIAL' AND security.caller_organisation() = ANY (shared_with))
  OR security.caller_has_role('rocta-moderator')
  OR security.caller_has_role('auditor')`;
/*
 * A past state of a threat: the organisations the threats context showed it to in that state
 * (not the moderators' role, which reaches every threat but was never sent anything), auditors.
 */
const THREAT_VERSION_POLICY = `owner_organisation_id = security.caller_organisation()
  OR lro_organisation_id = security.caller_organisation()
  OR (marking = 'OFFICIAL' AND security.caller_organisation() = ANY (shared_with))
  OR security.caller_has_role('auditor')`;
/** A publication of an agenda: the organisations it went to, and auditors. */
const PUBLICATION_POLICY = `security.caller_organisation() = ANY (recipient_organisation_ids)
  OR security.caller_has_role('auditor')`;

/** Intelligence shared at a meeting, with its 3x5x2 grading. */
export const intelligenceItems = defineTable('intelligence_items', {
  columns: {
    item_id: column.text(),
    meeting_id: column.text(),
    chair_organisation_id: column.text(),
    /** The chair's and the invited organisations, kept current as more are invited. */
    meeting_organisation_ids: column.textArray(),
    threat_id: column.text().orNull(),
    summary: column.text(),
    source: column.integer(),
    intelligence: column.text(),
    handling: column.text(),
    conditions: column.text().orNull(),
    may_go_to: column.textArray(),
    shared_by_person_id: column.text(),
    shared_by_organisation_id: column.text(),
    shared_on: column.date(),
    global_position: column.bigint(),
  },
  primaryKey: ['item_id'],
  indexes: [['meeting_id']],
  readPolicy: ITEM_POLICY,
});

/** A MoRiLE assessment's total, on its business date. */
export interface AssessedScore {
  readonly assessmentId: string;
  readonly assessedOn: string;
  readonly totalScore: number;
  readonly moderationStatus: 'unmoderated' | 'moderated' | 'returned';
}

/** A 4P action of the threat's own plan, as the threats context's events tell it. */
export interface PlanActionEntry {
  readonly actionId: string;
  readonly category: ActionCategory;
  readonly description: string;
  readonly owner: PersonRef;
  readonly dueDate: string;
  readonly status: ActionStatus;
  readonly outcome: string | null;
  /** Business dates: of the completion, of the last progress noted. */
  readonly completedOn: string | null;
  readonly lastProgressOn: string | null;
}

/** Someone involved in the threat, by role only: names stay in the threats context. */
export interface PlanPersonEntry {
  readonly involvementId: string;
  readonly role: string;
}

/** A threat's plan on a page, as far as the meetings context keeps it. */
const threatPlanColumns = {
  threat_id: column.text(),
  owner_organisation_id: column.text(),
  lro_organisation_id: column.text(),
  lro_person_id: column.text(),
  sro: column.jsonb<PersonRef>().orNull(),
  shared_with: column.textArray(),
  marking: column.text(),
  code_name: column.text(),
  kind: column.text(),
  summary: column.text(),
  priority_area: column.text(),
  type: column.text(),
  tier: column.integer(),
  phase: column.text(),
  closed_on: column.date().orNull(),
  place: column.text().orNull(),
  clear_hold_build_phase: column.text().orNull(),
  criminal_activity: column.text().orNull(),
  places_affected: column.textArray(),
  risks: column.textArray(),
  review_date: column.date().orNull(),
  last_reviewed_on: column.date().orNull(),
  people: column.jsonb<PlanPersonEntry[]>(),
  plan_actions: column.jsonb<PlanActionEntry[]>(),
  /** Oldest first, as recorded. */
  assessments: column.jsonb<AssessedScore[]>(),
  global_position: column.bigint(),
};

/** What a meeting pack shows of an agenda threat, folded from the threats context's events. */
export const threatSummaries = defineTable('threat_summaries', {
  columns: threatPlanColumns,
  primaryKey: ['threat_id'],
  readPolicy: THREAT_POLICY,
});

/**
 * Every state a threat's summary has been in: one row per threats event, keyed by its position,
 * until the position of the event that superseded it. What an agenda sent is the state in force
 * at its publication's position, whatever order the two topics are delivered in.
 */
export const threatSummaryVersions = defineTable('threat_summary_versions', {
  columns: { ...threatPlanColumns, superseded_position: column.bigint().orNull() },
  primaryKey: ['threat_id', 'global_position'],
  readPolicy: THREAT_VERSION_POLICY,
});

/** An agenda as it went out: to the chair's and the invited organisations of that moment. */
export const agendaPublications = defineTable('agenda_publications', {
  columns: {
    meeting_id: column.text(),
    published_position: column.bigint(),
    agenda: column.jsonb<AgendaEntry[]>(),
    published_on: column.date(),
    published_at: column.timestamptz(),
    recipient_organisation_ids: column.textArray(),
  },
  primaryKey: ['meeting_id', 'published_position'],
  readPolicy: PUBLICATION_POLICY,
});

export type IntelligenceItemRow = RowOf<typeof intelligenceItems>;
export type ThreatSummaryRow = RowOf<typeof threatSummaries>;
export type ThreatSummaryVersionRow = RowOf<typeof threatSummaryVersions>;
export type AgendaPublicationRow = RowOf<typeof agendaPublications>;
