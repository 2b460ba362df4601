import { defineEvent } from './event-contract.js';
import type { ActionCategory, PersonRef } from './threats.events.js';

/**
 * Partnership meetings (MARSOC, SOC local partnership boards, OCG disruption panels, threat
 * reduction groups) and the partner actions they agree. Published on `soc.meetings.events`; one
 * stream per meeting (`meeting:<id>`) and one per agreed action (`partner-action:<id>`), so an
 * action's updates never contend with the meeting's minutes.
 */

export type MeetingKind =
  'marsoc' | 'soc-partnership-board' | 'ocg-disruption-panel' | 'threat-reduction-group';
export const MEETING_KINDS: readonly MeetingKind[] = [
  'marsoc',
  'soc-partnership-board',
  'ocg-disruption-panel',
  'threat-reduction-group',
];

export type Attendance = 'present' | 'apologies' | 'absent' | 'observer';
export const ATTENDANCES: readonly Attendance[] = ['present', 'apologies', 'absent', 'observer'];

/** The 3x5x2 intelligence grading: source 1-3, intelligence A-E, handling P or C. */
export type SourceEvaluation = 1 | 2 | 3;
export type IntelligenceAssessment = 'A' | 'B' | 'C' | 'D' | 'E';
export type HandlingCode = 'P' | 'C';
export interface IntelligenceGrading {
  source: SourceEvaluation;
  intelligence: IntelligenceAssessment;
  handling: HandlingCode;
  /** For handling code C: the conditions the originator set on its use. */
  conditions: string | null;
}

/** Why an action was closed without being completed: kept apart in every view. */
export type ClosureReason = 'circumstances-changed' | 'agency-did-not-act';
export const CLOSURE_REASONS: readonly ClosureReason[] = [
  'circumstances-changed',
  'agency-did-not-act',
];

export interface MeetingScheduledV1 {
  meetingId: string;
  kind: MeetingKind;
  title: string;
  /** The chair acts for the chair organisation, which owns the meeting. */
  chair: PersonRef;
  heldOn: string;
  place: string;
  invitedOrganisationIds: string[];
  confidentialityStatement: string;
}
export const MeetingScheduled = defineEvent<MeetingScheduledV1>()('meetings.MeetingScheduled', 1);

export const OrganisationsInvited = defineEvent<{
  meetingId: string;
  organisationIds: string[];
}>()('meetings.OrganisationsInvited', 1);

export const AgendaItemAdded = defineEvent<{
  meetingId: string;
  threatId: string;
  /** The organisation that holds the threat: it presents the plan. */
  ownerOrganisationId: string;
}>()('meetings.AgendaItemAdded', 1);

export const AgendaItemRemoved = defineEvent<{ meetingId: string; threatId: string }>()(
  'meetings.AgendaItemRemoved',
  1,
);

/**
 * The agenda went out: the plans on a page each invitee was sent are those the log held at this
 * event, so what was sent can be shown again exactly, however the plans changed since.
 */
export const AgendaPublished = defineEvent<{ meetingId: string; threatIds: string[] }>()(
  'meetings.AgendaPublished',
  1,
);

export const AttendanceRecorded = defineEvent<{
  meetingId: string;
  organisationId: string;
  personId: string;
  attendance: Attendance;
  /** Whether they accepted the meeting's confidentiality statement. */
  acceptedConfidentiality: boolean;
}>()('meetings.AttendanceRecorded', 1);

export interface IntelligenceSharedV1 {
  meetingId: string;
  itemId: string;
  threatId: string | null;
  summary: string;
  grading: IntelligenceGrading;
  /** The organisations the item may go to (handling code C: only these see it). */
  mayGoTo: string[];
  sharedBy: PersonRef;
}
export const IntelligenceShared = defineEvent<IntelligenceSharedV1>()(
  'meetings.IntelligenceShared',
  1,
);

export const DecisionRecorded = defineEvent<{
  meetingId: string;
  decisionId: string;
  threatId: string | null;
  text: string;
}>()('meetings.DecisionRecorded', 1);

export interface PartnerActionAgreedV1 {
  meetingId: string;
  actionId: string;
  /** The threat whose plan on a page the action joins. */
  threatId: string;
  category: ActionCategory;
  description: string;
  leadOrganisationId: string;
  supportingOrganisationIds: string[];
  pointOfContact: PersonRef;
  dueDate: string;
}
export const PartnerActionAgreed = defineEvent<PartnerActionAgreedV1>()(
  'meetings.PartnerActionAgreed',
  1,
);

/** The chair finalised the minutes: from now on, changes are corrections, never edits. */
export const MinutesFinalised = defineEvent<{ meetingId: string; summary: string }>()(
  'meetings.MinutesFinalised',
  1,
);

/** A correction to finalised minutes, recorded beside them. */
export const MinutesCorrected = defineEvent<{
  meetingId: string;
  correctionId: string;
  correction: string;
}>()('meetings.MinutesCorrected', 1);

// ----- a partner action's life, on its own stream -----

export const PartnerActionProgressPosted = defineEvent<{
  actionId: string;
  note: string;
  on: string;
}>()('meetings.PartnerActionProgressPosted', 1);

export const PartnerActionCompleted = defineEvent<{ actionId: string; outcome: string }>()(
  'meetings.PartnerActionCompleted',
  1,
);

export const PartnerActionClosed = defineEvent<{
  actionId: string;
  reason: ClosureReason;
  explanation: string;
}>()('meetings.PartnerActionClosed', 1);

export const DueDateChangeRequested = defineEvent<{
  actionId: string;
  requestId: string;
  proposedDueDate: string;
  reason: string;
}>()('meetings.DueDateChangeRequested', 1);

export const DueDateChangeGranted = defineEvent<{
  actionId: string;
  requestId: string;
  dueDate: string;
}>()('meetings.DueDateChangeGranted', 1);

export const DueDateChangeRefused = defineEvent<{
  actionId: string;
  requestId: string;
  reason: string;
}>()('meetings.DueDateChangeRefused', 1);

export const meetingEvents = [
  MeetingScheduled,
  OrganisationsInvited,
  AgendaItemAdded,
  AgendaItemRemoved,
  AgendaPublished,
  AttendanceRecorded,
  IntelligenceShared,
  DecisionRecorded,
  PartnerActionAgreed,
  MinutesFinalised,
  MinutesCorrected,
  PartnerActionProgressPosted,
  PartnerActionCompleted,
  PartnerActionClosed,
  DueDateChangeRequested,
  DueDateChangeGranted,
  DueDateChangeRefused,
] as const;
