import {
  DueDateChangeGranted,
  DueDateChangeRefused,
  DueDateChangeRequested,
  type EventOf,
  MeetingScheduled,
  OrganisationsInvited,
  PartnerActionAgreed,
  PartnerActionClosed,
  PartnerActionCompleted,
  PartnerActionProgressPosted,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { loadRows, upsertRows } from '@soc/messaging';
import { isoDate } from '@soc/platform';
import type { PoolClient } from 'pg';
import {
  AGREEMENT_COLUMNS,
  type AgreementPart,
  LIFE_COLUMNS,
  type LifePart,
  type MeetingRow,
  meetings,
  partnerActions,
} from './partner-action-tables.js';

type Recorded<C> = C extends unknown
  ? RecordedEvent<EventOf<C>['type'], EventOf<C>['data']>
  : never;

const MEETING_EVENTS = [MeetingScheduled, OrganisationsInvited, PartnerActionAgreed];
const LIFE_EVENTS = [
  PartnerActionProgressPosted,
  PartnerActionCompleted,
  PartnerActionClosed,
  DueDateChangeRequested,
  DueDateChangeGranted,
  DueDateChangeRefused,
];
type MeetingEvent = Recorded<(typeof MEETING_EVENTS)[number]>;
type LifeEvent = Recorded<(typeof LIFE_EVENTS)[number]>;

export const handledEvents = [...MEETING_EVENTS, ...LIFE_EVENTS].map((e) => e.type);
const meetingTypes = new Set<string>(MEETING_EVENTS.map((e) => e.type));
const lifeTypes = new Set<string>(LIFE_EVENTS.map((e) => e.type));

/** The business date of an event: the day its fact happened. */
const businessDate = (event: RecordedEvent) => isoDate(new Date(event.occurredAt));
const position = (event: RecordedEvent) => event.globalPosition ?? 0;

/**
 * The meetings' side: meetings as scheduled and invited, and the agreements they make. Only
 * agreement columns are written, so the action's own stream, applied in another transaction
 * perhaps at the same time, never has its columns overwritten.
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
  const agreements: (AgreementPart & { action_id: string })[] = [];
  for (const event of own) {
    const { meetingId } = event.data;
    if (event.type === MeetingScheduled.type) {
      byId.set(meetingId, scheduled(event));
      changed.add(meetingId);
      continue;
    }
    const meeting = byId.get(meetingId);
    if (!meeting) continue;
    if (event.type === OrganisationsInvited.type) {
      meeting.invited_organisation_ids = [
        ...new Set([...meeting.invited_organisation_ids, ...event.data.organisationIds]),
      ];
      meeting.global_position = position(event);
      changed.add(meetingId);
    } else {
      agreements.push(agreement(meeting, event));
    }
  }
  await upsertRows(
    db,
    schema,
    meetings,
    [...changed].map((id) => byId.get(id)!),
  );
  await upsertRows(db, schema, partnerActions, agreements, {
    columns: ['action_id', ...AGREEMENT_COLUMNS],
  });
}

function scheduled(event: Recorded<typeof MeetingScheduled>): MeetingRow {
  const { data } = event;
  return {
    meeting_id: data.meetingId,
    kind: data.kind,
    title: data.title,
    held_on: data.heldOn,
    chair_organisation_id: data.chair.organisationId,
    invited_organisation_ids: [...data.invitedOrganisationIds],
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

const initialLife = (): LifePart => ({
  status: 'agreed',
  first_progress_on: null,
  last_progress_on: null,
  last_progress_note: null,
  completed_on: null,
  outcome: null,
  closed_on: null,
  closure_reason: null,
  closure_explanation: null,
  granted_due_dates: [],
  pending_request_id: null,
  pending_due_date: null,
  pending_reason: null,
  pending_requested_on: null,
  life_position: 0,
});

/**
 * The actions' side: progress, completion, closure and due-date requests, folded from each
 * action's own stream. Only life columns are written (see `applyMeetingEvents`).
 */
export async function applyActionEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is LifeEvent => lifeTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.actionId))];
  const loaded = await loadRows(
    db,
    schema,
    partnerActions,
    ids.map((action_id) => ({ action_id })),
  );
  const lives = new Map<string, LifePart>(ids.map((id) => [id, initialLife()]));
  for (const row of loaded) {
    lives.set(row.action_id, Object.fromEntries(LIFE_COLUMNS.map((c) => [c, row[c]])) as LifePart);
  }
  for (const event of own) {
    const life = lives.get(event.data.actionId)!;
    foldLife(life, event);
    life.life_position = position(event);
  }
  await upsertRows(
    db,
    schema,
    partnerActions,
    [...lives].map(([action_id, life]) => ({ action_id, ...life })),
    { columns: ['action_id', ...LIFE_COLUMNS] },
  );
}

function foldLife(life: LifePart, event: LifeEvent): void {
  const on = businessDate(event);
  switch (event.type) {
    case PartnerActionProgressPosted.type:
      life.status = life.status === 'agreed' ? 'in-progress' : life.status;
      life.first_progress_on ??= event.data.on;
      life.last_progress_on = event.data.on;
      life.last_progress_note = event.data.note;
      return;
    case PartnerActionCompleted.type:
      life.status = 'completed';
      life.completed_on = on;
      life.outcome = event.data.outcome;
      return;
    case PartnerActionClosed.type:
      life.status = 'closed';
      life.closed_on = on;
      life.closure_reason = event.data.reason;
      life.closure_explanation = event.data.explanation;
      return;
    case DueDateChangeRequested.type:
      life.pending_request_id = event.data.requestId;
      life.pending_due_date = event.data.proposedDueDate;
      life.pending_reason = event.data.reason;
      life.pending_requested_on = on;
      return;
    case DueDateChangeGranted.type:
      life.granted_due_dates = [
        ...life.granted_due_dates,
        { grantedOn: on, dueDate: event.data.dueDate },
      ];
      clearPending(life);
      return;
    case DueDateChangeRefused.type:
      clearPending(life);
      return;
  }
}

function clearPending(life: LifePart): void {
  life.pending_request_id = null;
  life.pending_due_date = null;
  life.pending_reason = null;
  life.pending_requested_on = null;
}
