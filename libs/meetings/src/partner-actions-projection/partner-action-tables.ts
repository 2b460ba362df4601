import type { Attendance } from '@soc/contracts';
import { column, defineTable, type RowOf } from '@soc/messaging';

/*
 * The meetings projection's tables. Dates are `YYYY-MM-DD` (business dates), timestamps ISO 8601.
 *
 * Row-level security. A meeting: its chair's organisation, the organisations invited, the
 * auditors. An action: its lead and supporting organisations, the chair's organisation, the
 * auditors: another partner never sees it.
 */
const MEETING_POLICY = `chair_organisation_id = security.caller_organisation()
  OR security.caller_organisation() = ANY (invited_organisation_ids)
  OR security.caller_has_role('auditor')`;
const ACTION_POLICY = `lead_organisation_id = security.caller_organisation()
  OR security.caller_organisation() = ANY (supporting_organisation_ids)
  OR chair_organisation_id = security.caller_organisation()
  OR security.caller_has_role('auditor')`;

/** A threat on a meeting's agenda, with the organisation that holds it and presents the plan. */
export interface AgendaEntry {
  readonly threatId: string;
  readonly ownerOrganisationId: string;
}

/** One attendee's record; the organisation's attendance is read from its people's. */
export interface AttendanceEntry {
  readonly organisationId: string;
  readonly personId: string;
  readonly attendance: Attendance;
}

export interface DecisionEntry {
  readonly decisionId: string;
  readonly threatId: string | null;
  readonly text: string;
  readonly decidedOn: string;
}

/** A meeting as its own stream tells it: what agreed actions and the meeting pack need of it. */
export const meetings = defineTable('meetings', {
  columns: {
    meeting_id: column.text(),
    kind: column.text(),
    title: column.text(),
    held_on: column.date(),
    place: column.text(),
    chair_organisation_id: column.text(),
    chair_person_id: column.text(),
    invited_organisation_ids: column.textArray(),
    agenda: column.jsonb<AgendaEntry[]>(),
    /** The agenda as last published, its business date and when it was recorded. */
    published_threat_ids: column.textArray().orNull(),
    published_on: column.date().orNull(),
    published_at: column.timestamptz().orNull(),
    attendance: column.jsonb<AttendanceEntry[]>(),
    decisions: column.jsonb<DecisionEntry[]>(),
    minutes_finalised_on: column.date().orNull(),
    scheduled_position: column.bigint(),
    global_position: column.bigint(),
  },
  primaryKey: ['meeting_id'],
  indexes: [['chair_organisation_id', 'kind', 'held_on']],
  readPolicy: MEETING_POLICY,
});

/**
 * The agreement, written only by the meeting's stream. Null until that event is applied: over
 * Kafka the meeting and the action are different streams, perhaps on different partitions, so
 * the action's own events may come first.
 */
export const agreementColumns = {
  meeting_id: column.text().orNull(),
  meeting_kind: column.text().orNull(),
  meeting_title: column.text().orNull(),
  meeting_held_on: column.date().orNull(),
  chair_organisation_id: column.text().orNull(),
  threat_id: column.text().orNull(),
  category: column.text().orNull(),
  description: column.text().orNull(),
  lead_organisation_id: column.text().orNull(),
  supporting_organisation_ids: column.textArray().orNull(),
  contact_person_id: column.text().orNull(),
  contact_organisation_id: column.text().orNull(),
  agreed_due_date: column.date().orNull(),
  agreed_on: column.date().orNull(),
  agreed_position: column.bigint().orNull(),
};

/** A due date the chair granted, and the business date of the grant. */
export interface GrantedDueDate {
  readonly grantedOn: string;
  readonly dueDate: string;
}

/** The action's life, written only by its own stream. */
export const lifeColumns = {
  /** agreed, in-progress, completed or closed, as the stream stands now. */
  status: column.text().default(`'agreed'`),
  first_progress_on: column.date().orNull(),
  last_progress_on: column.date().orNull(),
  last_progress_note: column.text().orNull(),
  completed_on: column.date().orNull(),
  outcome: column.text().orNull(),
  closed_on: column.date().orNull(),
  closure_reason: column.text().orNull(),
  closure_explanation: column.text().orNull(),
  granted_due_dates: column.jsonb<GrantedDueDate[]>().default(`'[]'::jsonb`),
  pending_request_id: column.text().orNull(),
  pending_due_date: column.date().orNull(),
  pending_reason: column.text().orNull(),
  pending_requested_on: column.date().orNull(),
  life_position: column.bigint().default('0'),
};

/** One row per agreed action: what the meeting agreed beside what became of it. */
export const partnerActions = defineTable('partner_actions', {
  columns: { action_id: column.text(), ...agreementColumns, ...lifeColumns },
  primaryKey: ['action_id'],
  indexes: [['lead_organisation_id'], ['meeting_id']],
  readPolicy: ACTION_POLICY,
});

export const AGREEMENT_COLUMNS = Object.keys(agreementColumns) as (keyof typeof agreementColumns)[];
export const LIFE_COLUMNS = Object.keys(lifeColumns) as (keyof typeof lifeColumns)[];

export type MeetingRow = RowOf<typeof meetings>;
export type PartnerActionRow = RowOf<typeof partnerActions>;
export type AgreementPart = RowOf<typeof agreementColumns>;
export type LifePart = RowOf<typeof lifeColumns>;
