import {
  AgendaItemAdded,
  AgendaItemRemoved,
  AgendaPublished,
  type Attendance,
  AttendanceRecorded,
  DecisionRecorded,
  type EventOf,
  IntelligenceShared,
  MeetingScheduled,
  MinutesCorrected,
  MinutesFinalised,
  OrganisationsInvited,
  PartnerActionAgreed,
  type PersonRef,
} from '@soc/contracts';
import { streamId } from '@soc/event-store';

export type MeetingEvent =
  | EventOf<typeof MeetingScheduled>
  | EventOf<typeof OrganisationsInvited>
  | EventOf<typeof AgendaItemAdded>
  | EventOf<typeof AgendaItemRemoved>
  | EventOf<typeof AgendaPublished>
  | EventOf<typeof AttendanceRecorded>
  | EventOf<typeof IntelligenceShared>
  | EventOf<typeof DecisionRecorded>
  | EventOf<typeof PartnerActionAgreed>
  | EventOf<typeof MinutesFinalised>
  | EventOf<typeof MinutesCorrected>;

/** An action as the meeting agreed it: what its own stream's commands are judged against. */
export interface AgreedAction {
  readonly actionId: string;
  readonly threatId: string;
  readonly leadOrganisationId: string;
  readonly supportingOrganisationIds: readonly string[];
  readonly pointOfContact: PersonRef;
  readonly dueDate: string;
}

export interface HeldMeeting {
  readonly status: 'scheduled' | 'finalised';
  readonly chair: PersonRef;
  readonly heldOn: string;
  readonly invited: ReadonlySet<string>;
  /** The agenda's threats, in the order they were added, with the organisation holding each. */
  readonly agenda: ReadonlyMap<string, string>;
  /** The agenda as last published, or null before the first publication. */
  readonly published: readonly string[] | null;
  readonly attendance: ReadonlyMap<string, Attendance>;
  readonly itemIds: ReadonlySet<string>;
  readonly decisionIds: ReadonlySet<string>;
  readonly actions: ReadonlyMap<string, AgreedAction>;
  readonly correctionIds: ReadonlySet<string>;
}

export type Meeting = { readonly status: 'none' } | HeldMeeting;

export const meetingStream = (meetingId: string) => streamId('meeting', meetingId);

const plus = <T>(set: ReadonlySet<T>, ...items: T[]) => new Set([...set, ...items]);

function scheduled({ data }: EventOf<typeof MeetingScheduled>): HeldMeeting {
  return {
    status: 'scheduled',
    chair: data.chair,
    heldOn: data.heldOn,
    invited: new Set(data.invitedOrganisationIds),
    agenda: new Map(),
    published: null,
    attendance: new Map(),
    itemIds: new Set(),
    decisionIds: new Set(),
    actions: new Map(),
    correctionIds: new Set(),
  };
}

/** Folds one event into the meeting; pure. */
export function evolveMeeting(state: Meeting, event: MeetingEvent): Meeting {
  if (event.type === MeetingScheduled.type) return scheduled(event);
  if (state.status === 'none') return state;
  switch (event.type) {
    case OrganisationsInvited.type:
      return { ...state, invited: plus(state.invited, ...event.data.organisationIds) };
    case AgendaItemAdded.type:
      return {
        ...state,
        agenda: new Map(state.agenda).set(event.data.threatId, event.data.ownerOrganisationId),
      };
    case AgendaItemRemoved.type: {
      const agenda = new Map(state.agenda);
      agenda.delete(event.data.threatId);
      return { ...state, agenda };
    }
    case AgendaPublished.type:
      return { ...state, published: [...event.data.threatIds] };
    case AttendanceRecorded.type:
      return {
        ...state,
        attendance: new Map(state.attendance).set(
          `${event.data.organisationId}/${event.data.personId}`,
          event.data.attendance,
        ),
      };
    case IntelligenceShared.type:
      return { ...state, itemIds: plus(state.itemIds, event.data.itemId) };
    case DecisionRecorded.type:
      return { ...state, decisionIds: plus(state.decisionIds, event.data.decisionId) };
    case PartnerActionAgreed.type: {
      const { meetingId: _meetingId, category: _c, description: _d, ...action } = event.data;
      return { ...state, actions: new Map(state.actions).set(action.actionId, action) };
    }
    case MinutesFinalised.type:
      return { ...state, status: 'finalised' };
    case MinutesCorrected.type:
      return { ...state, correctionIds: plus(state.correctionIds, event.data.correctionId) };
  }
}
