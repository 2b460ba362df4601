import {
  type ActionCategory,
  AgendaItemAdded,
  AgendaItemRemoved,
  AgendaPublished,
  type Attendance,
  AttendanceRecorded,
  DecisionRecorded,
  eventOf,
  type IntelligenceGrading,
  IntelligenceShared,
  type Marking,
  type MeetingKind,
  MeetingScheduled,
  MinutesCorrected,
  MinutesFinalised,
  OrganisationsInvited,
  PartnerActionAgreed,
  type PersonRef,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  type Decider,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
} from '@soc/event-store';
import { evolveMeeting, type HeldMeeting, type Meeting, type MeetingEvent } from './meeting.js';

/** Whom the threats context shows a threat to, as its events told the meetings context. */
export interface KnownThreat {
  readonly ownerOrganisationId: string;
  readonly lroOrganisationId: string;
  readonly sharedWith: readonly string[];
  readonly marking: Marking;
}

/**
 * Whether an organisation sees the threat: it holds it, the LRO acts for it, or the plan is
 * shared with it and is not OFFICIAL-SENSITIVE (which a share does not disclose).
 */
export const organisationSees = (threat: KnownThreat, organisationId: string) =>
  threat.ownerOrganisationId === organisationId ||
  threat.lroOrganisationId === organisationId ||
  (threat.marking === 'OFFICIAL' && threat.sharedWith.includes(organisationId));

/** Every command names its meeting; the shell adds today and the fact's business date. */
interface Base {
  readonly meetingId: string;
  readonly today: string;
  readonly on?: string;
}

export type MeetingCommand = Base &
  (
    | {
        readonly kind: 'schedule';
        readonly meetingKind: MeetingKind;
        readonly title: string;
        readonly chair: PersonRef;
        readonly heldOn: string;
        readonly place: string;
        readonly invitedOrganisationIds: readonly string[];
        readonly confidentialityStatement: string;
      }
    | { readonly kind: 'invite'; readonly organisationIds: readonly string[] }
    | {
        readonly kind: 'add-agenda-item';
        readonly threatId: string;
        readonly ownerOrganisationId: string;
        /** Null when the threats context has told the meetings context nothing of it. */
        readonly threat: KnownThreat | null;
      }
    | { readonly kind: 'remove-agenda-item'; readonly threatId: string }
    | { readonly kind: 'publish-agenda' }
    | {
        readonly kind: 'record-attendance';
        readonly organisationId: string;
        readonly personId: string;
        readonly attendance: Attendance;
        readonly acceptedConfidentiality: boolean;
      }
    | {
        readonly kind: 'share-intelligence';
        readonly itemId: string;
        readonly threatId: string | null;
        readonly summary: string;
        readonly grading: IntelligenceGrading;
        readonly mayGoTo: readonly string[];
        readonly sharedBy: PersonRef;
      }
    | {
        readonly kind: 'record-decision';
        readonly decisionId: string;
        readonly threatId: string | null;
        readonly text: string;
      }
    | {
        readonly kind: 'agree-action';
        readonly actionId: string;
        readonly threatId: string;
        readonly category: ActionCategory;
        readonly description: string;
        readonly leadOrganisationId: string;
        readonly supportingOrganisationIds: readonly string[];
        readonly pointOfContact: PersonRef;
        readonly dueDate: string;
      }
    | { readonly kind: 'finalise-minutes'; readonly summary: string }
    | {
        readonly kind: 'correct-minutes';
        readonly correctionId: string;
        readonly correction: string;
      }
  );

type CommandOf<K extends MeetingCommand['kind']> = Extract<MeetingCommand, { kind: K }>;

function schedule(command: CommandOf<'schedule'>): MeetingEvent[] {
  const invited = new Set([command.chair.organisationId, ...command.invitedOrganisationIds]);
  return [
    eventOf(MeetingScheduled, {
      meetingId: command.meetingId,
      kind: command.meetingKind,
      title: command.title,
      chair: command.chair,
      heldOn: command.heldOn,
      place: command.place,
      invitedOrganisationIds: [...invited],
      confidentialityStatement: command.confidentialityStatement,
    }),
  ];
}

/** Organisations a meeting's record may name: those invited (the chair's among them). */
function mustBeInvited(meeting: HeldMeeting, organisationIds: readonly string[], what: string) {
  const strangers = organisationIds.filter((id) => !meeting.invited.has(id));
  if (strangers.length > 0) {
    throw new RuleViolationError(
      `${what} names organisations not invited to the meeting: ${strangers.join(', ')}`,
    );
  }
}

function mustBeOnAgenda(meeting: HeldMeeting, threatId: string | null) {
  if (threatId !== null && !meeting.agenda.has(threatId)) {
    throw new RuleViolationError(`Threat ${threatId} is not on the meeting's agenda`);
  }
}

/**
 * A threat goes on the agenda only if the chair's organisation sees it (the plan is presented
 * under its authority), and with the organisation that really holds it. A threat the threats
 * context has said nothing of (held elsewhere, or not delivered yet) is taken as given.
 */
function mayReview(meeting: HeldMeeting, command: CommandOf<'add-agenda-item'>) {
  const { threat, threatId } = command;
  if (threat === null) return;
  const chair = meeting.chair.organisationId;
  if (!organisationSees(threat, chair)) {
    throw new RuleViolationError(
      `Threat ${threatId} is not one the chair's organisation (${chair}) can see: its holder must share its plan with ${chair} first`,
    );
  }
  if (threat.ownerOrganisationId !== command.ownerOrganisationId) {
    throw new RuleViolationError(
      `Threat ${threatId} is held by ${threat.ownerOrganisationId}, not ${command.ownerOrganisationId}`,
    );
  }
}

function agenda(
  meeting: HeldMeeting,
  command: CommandOf<'add-agenda-item' | 'remove-agenda-item' | 'publish-agenda'>,
): MeetingEvent[] {
  const { meetingId } = command;
  switch (command.kind) {
    case 'add-agenda-item':
      if (meeting.agenda.has(command.threatId)) return [];
      mayReview(meeting, command);
      return [
        eventOf(AgendaItemAdded, {
          meetingId,
          threatId: command.threatId,
          ownerOrganisationId: command.ownerOrganisationId,
        }),
      ];
    case 'remove-agenda-item':
      if (!meeting.agenda.has(command.threatId)) {
        throw new NotFoundError(`Threat ${command.threatId} is not on the agenda`);
      }
      return [eventOf(AgendaItemRemoved, { meetingId, threatId: command.threatId })];
    case 'publish-agenda': {
      const threatIds = [...meeting.agenda.keys()];
      if (threatIds.length === 0) {
        throw new RuleViolationError('An agenda needs at least one threat before it is published');
      }
      const unchanged = meeting.published !== null && meeting.published.join() === threatIds.join();
      return unchanged ? [] : [eventOf(AgendaPublished, { meetingId, threatIds })];
    }
  }
}

function attendance(meeting: HeldMeeting, command: CommandOf<'record-attendance'>) {
  mustBeInvited(meeting, [command.organisationId], 'Attendance');
  const attends = command.attendance === 'present' || command.attendance === 'observer';
  if (attends && !command.acceptedConfidentiality) {
    throw new RuleViolationError(
      'Whoever attends (present or observing) must accept the confidentiality statement',
    );
  }
  const { kind: _kind, today: _today, on: _on, ...data } = command;
  return [
    eventOf(AttendanceRecorded, {
      ...data,
      acceptedConfidentiality: attends && data.acceptedConfidentiality,
    }),
  ];
}

function intelligence(meeting: HeldMeeting, command: CommandOf<'share-intelligence'>) {
  if (meeting.itemIds.has(command.itemId)) {
    throw new AlreadyExistsError(`Intelligence item ${command.itemId} is already recorded`);
  }
  mustBeOnAgenda(meeting, command.threatId);
  mustBeInvited(meeting, command.mayGoTo, 'The intelligence item');
  const { grading } = command;
  if (grading.handling === 'C' && (command.mayGoTo.length === 0 || !grading.conditions?.trim())) {
    throw new RuleViolationError(
      'Handling code C needs its conditions and the organisations the item may go to',
    );
  }
  const { kind: _kind, today: _today, on: _on, mayGoTo, ...data } = command;
  return [
    eventOf(IntelligenceShared, {
      ...data,
      grading: { ...grading, conditions: grading.conditions?.trim() || null },
      mayGoTo: [...mayGoTo],
    }),
  ];
}

function agreeAction(meeting: HeldMeeting, command: CommandOf<'agree-action'>) {
  if (meeting.actions.has(command.actionId)) {
    throw new AlreadyExistsError(`Action ${command.actionId} is already agreed`);
  }
  mustBeOnAgenda(meeting, command.threatId);
  mustBeInvited(
    meeting,
    [command.leadOrganisationId, ...command.supportingOrganisationIds],
    'The action',
  );
  if (command.pointOfContact.organisationId !== command.leadOrganisationId) {
    throw new RuleViolationError(
      "The point of contact must act for the action's lead organisation",
    );
  }
  if (command.supportingOrganisationIds.includes(command.leadOrganisationId)) {
    throw new RuleViolationError('The lead organisation cannot also be a supporting one');
  }
  if (command.dueDate < meeting.heldOn) {
    throw new RuleViolationError(`The due date falls before the meeting (${meeting.heldOn})`);
  }
  const { kind: _kind, today: _today, on: _on, supportingOrganisationIds, ...data } = command;
  return [
    eventOf(PartnerActionAgreed, {
      ...data,
      supportingOrganisationIds: [...supportingOrganisationIds],
    }),
  ];
}

function decideOnMeeting(
  meeting: HeldMeeting,
  command: Exclude<MeetingCommand, CommandOf<'schedule'>>,
): MeetingEvent[] {
  const { meetingId } = command;
  if (command.kind === 'correct-minutes') {
    if (meeting.status !== 'finalised') {
      throw new InvalidTransitionError('The minutes are not final yet: change them instead');
    }
    if (meeting.correctionIds.has(command.correctionId)) return [];
    const { correctionId, correction } = command;
    return [eventOf(MinutesCorrected, { meetingId, correctionId, correction })];
  }
  if (meeting.status === 'finalised') {
    throw new InvalidTransitionError(
      'The minutes are final: nothing changes in place, record a correction instead',
    );
  }
  switch (command.kind) {
    case 'invite': {
      const added = command.organisationIds.filter((id) => !meeting.invited.has(id));
      return added.length
        ? [eventOf(OrganisationsInvited, { meetingId, organisationIds: added })]
        : [];
    }
    case 'add-agenda-item':
    case 'remove-agenda-item':
    case 'publish-agenda':
      return agenda(meeting, command);
    case 'record-attendance':
      return attendance(meeting, command);
    case 'share-intelligence':
      return intelligence(meeting, command);
    case 'record-decision':
      if (meeting.decisionIds.has(command.decisionId)) {
        throw new AlreadyExistsError(`Decision ${command.decisionId} is already recorded`);
      }
      mustBeOnAgenda(meeting, command.threatId);
      return [
        eventOf(DecisionRecorded, {
          meetingId,
          decisionId: command.decisionId,
          threatId: command.threatId,
          text: command.text,
        }),
      ];
    case 'agree-action':
      return agreeAction(meeting, command);
    case 'finalise-minutes':
      return [eventOf(MinutesFinalised, { meetingId, summary: command.summary })];
  }
}

function decideMeeting(command: MeetingCommand, state: Meeting): MeetingEvent[] {
  if (command.kind === 'schedule') {
    if (state.status !== 'none') {
      throw new AlreadyExistsError(`Meeting ${command.meetingId} already exists`);
    }
    return schedule(command);
  }
  if (state.status === 'none') throw new NotFoundError(`No meeting ${command.meetingId}`);
  return decideOnMeeting(state, command);
}

export const meetingDecider: Decider<Meeting, MeetingCommand, MeetingEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: evolveMeeting,
  decide: decideMeeting,
};
