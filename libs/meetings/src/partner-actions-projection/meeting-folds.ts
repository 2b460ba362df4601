import {
  AgendaItemAdded,
  AgendaItemRemoved,
  AgendaPublished,
  AttendanceRecorded,
  DecisionRecorded,
  IntelligenceShared,
  MeetingScheduled,
  MinutesFinalised,
  OrganisationsInvited,
  PartnerActionAgreed,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { insertRows, loadRows, updateRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { businessDate, position, type Recorded } from './folded-events.js';
import {
  type AgendaPublicationRow,
  agendaPublications,
  type IntelligenceItemRow,
  intelligenceItems,
} from './meeting-pack-tables.js';
import {
  AGREEMENT_COLUMNS,
  type AgreementPart,
  type MeetingRow,
  meetings,
  partnerActions,
} from './partner-action-tables.js';

export const MEETING_EVENTS = [
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
];
type MeetingEvent = Recorded<(typeof MEETING_EVENTS)[number]>;
const meetingTypes = new Set<string>(MEETING_EVENTS.map((e) => e.type));

/** What one batch of meeting events writes besides the meeting rows. */
interface MeetingWrites {
  readonly agreements: (AgreementPart & { action_id: string })[];
  readonly items: IntelligenceItemRow[];
  readonly publications: AgendaPublicationRow[];
  /** Meetings whose invitations changed: their items' organisations are brought up to date. */
  readonly invited: Set<string>;
}

/**
 * The meetings' side: each meeting's row, the intelligence shared at it and the agreements it
 * makes. Only agreement columns of an action are written, so the action's own stream, applied in
 * another transaction perhaps at the same time, never has its columns overwritten.
 */
export async function applyMeetingEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is MeetingEvent => meetingTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.meetingId))];
  const loaded = await loadRows(
    db,
    schema,
    meetings,
    ids.map((meeting_id) => ({ meeting_id })),
  );
  const byId = new Map(loaded.map((row) => [row.meeting_id, row]));
  const changed = new Set<string>();
  const writes: MeetingWrites = {
    agreements: [],
    items: [],
    publications: [],
    invited: new Set(),
  };
  for (const event of own) {
    const { meetingId } = event.data;
    if (event.type === MeetingScheduled.type) {
      byId.set(meetingId, scheduled(event));
      changed.add(meetingId);
      continue;
    }
    const meeting = byId.get(meetingId);
    if (!meeting) continue;
    if (foldMeeting(meeting, event, writes)) {
      meeting.global_position = position(event);
      changed.add(meetingId);
    }
  }
  await upsertRows(
    db,
    schema,
    meetings,
    [...changed].map((id) => byId.get(id)!),
  );
  await upsertRows(db, schema, partnerActions, writes.agreements, {
    columns: ['action_id', ...AGREEMENT_COLUMNS],
  });
  await insertRows(db, schema, intelligenceItems, writes.items);
  await insertRows(db, schema, agendaPublications, writes.publications);
  await updateRows(
    db,
    schema,
    intelligenceItems,
    [...writes.invited].map((id) => ({
      meeting_id: id,
      meeting_organisation_ids: organisationsOf(byId.get(id)!),
    })),
    { match: ['meeting_id'], set: ['meeting_organisation_ids'] },
  );
}

const organisationsOf = (meeting: MeetingRow) => [
  ...new Set([meeting.chair_organisation_id, ...meeting.invited_organisation_ids]),
];

/** Folds one event into its meeting's row; false when the row is left as it was. */
function foldMeeting(meeting: MeetingRow, event: MeetingEvent, writes: MeetingWrites): boolean {
  switch (event.type) {
    case OrganisationsInvited.type:
      meeting.invited_organisation_ids = [
        ...new Set([...meeting.invited_organisation_ids, ...event.data.organisationIds]),
      ];
      writes.invited.add(meeting.meeting_id);
      return true;
    case AgendaItemAdded.type: {
      const { threatId, ownerOrganisationId } = event.data;
      meeting.agenda = [
        ...meeting.agenda.filter((a) => a.threatId !== threatId),
        { threatId, ownerOrganisationId },
      ];
      return true;
    }
    case AgendaItemRemoved.type:
      meeting.agenda = meeting.agenda.filter((a) => a.threatId !== event.data.threatId);
      return true;
    case AgendaPublished.type:
      meeting.published_threat_ids = [...event.data.threatIds];
      meeting.published_on = businessDate(event);
      meeting.published_at = new Date(event.recordedAt).toISOString();
      writes.publications.push({
        meeting_id: meeting.meeting_id,
        published_position: position(event),
        agenda: meeting.agenda.filter((a) => event.data.threatIds.includes(a.threatId)),
        published_on: meeting.published_on,
        published_at: meeting.published_at,
        recipient_organisation_ids: organisationsOf(meeting),
      });
      return true;
    case AttendanceRecorded.type: {
      const { organisationId, personId, attendance } = event.data;
      meeting.attendance = [
        ...meeting.attendance.filter(
          (a) => a.organisationId !== organisationId || a.personId !== personId,
        ),
        { organisationId, personId, attendance },
      ];
      return true;
    }
    case DecisionRecorded.type: {
      const { decisionId, threatId, text } = event.data;
      meeting.decisions = [
        ...meeting.decisions,
        { decisionId, threatId, text, decidedOn: businessDate(event) },
      ];
      return true;
    }
    case MinutesFinalised.type:
      meeting.minutes_finalised_on = businessDate(event);
      return true;
    case IntelligenceShared.type:
      writes.items.push(item(meeting, event));
      return false;
    case PartnerActionAgreed.type:
      writes.agreements.push(agreement(meeting, event));
      return false;
    case MeetingScheduled.type:
      return false;
  }
}

function scheduled(event: Recorded<typeof MeetingScheduled>): MeetingRow {
  const { data } = event;
  return {
    meeting_id: data.meetingId,
    kind: data.kind,
    title: data.title,
    held_on: data.heldOn,
    place: data.place,
    chair_organisation_id: data.chair.organisationId,
    chair_person_id: data.chair.personId,
    invited_organisation_ids: [...data.invitedOrganisationIds],
    agenda: [],
    published_threat_ids: null,
    published_on: null,
    published_at: null,
    attendance: [],
    decisions: [],
    minutes_finalised_on: null,
    scheduled_position: position(event),
    global_position: position(event),
  };
}

function item(
  meeting: MeetingRow,
  event: Recorded<typeof IntelligenceShared>,
): IntelligenceItemRow {
  const { data } = event;
  return {
    item_id: data.itemId,
    meeting_id: meeting.meeting_id,
    chair_organisation_id: meeting.chair_organisation_id,
    meeting_organisation_ids: organisationsOf(meeting),
    threat_id: data.threatId,
    summary: data.summary,
    source: data.grading.source,
    intelligence: data.grading.intelligence,
    handling: data.grading.handling,
    conditions: data.grading.conditions,
    may_go_to: [...data.mayGoTo],
    shared_by_person_id: data.sharedBy.personId,
    shared_by_organisation_id: data.sharedBy.organisationId,
    shared_on: businessDate(event),
    global_position: position(event),
  };
}

function agreement(
  meeting: MeetingRow,
  event: Recorded<typeof PartnerActionAgreed>,
): AgreementPart & { action_id: string } {
  const { data } = event;
  return {
    action_id: data.actionId,
    meeting_id: meeting.meeting_id,
    meeting_kind: meeting.kind,
    meeting_title: meeting.title,
    meeting_held_on: meeting.held_on,
    chair_organisation_id: meeting.chair_organisation_id,
    threat_id: data.threatId,
    category: data.category,
    description: data.description,
    lead_organisation_id: data.leadOrganisationId,
    supporting_organisation_ids: [...data.supportingOrganisationIds],
    contact_person_id: data.pointOfContact.personId,
    contact_organisation_id: data.pointOfContact.organisationId,
    agreed_due_date: data.dueDate,
    agreed_on: businessDate(event),
    agreed_position: position(event),
  };
}
