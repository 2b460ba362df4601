import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@soc/event-store';
import {
  type AccessContext,
  CommandRoute,
  type ExpectedVersion,
  type Permission,
  type RecordCommands,
} from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import type { MeetingCommand } from './meeting.decide.js';
import type { HeldMeeting } from './meeting.js';
import { meetings } from './meeting-record.js';

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A decision on an existing meeting, without what the shell adds: the meeting and the dates. */
export type MeetingChange = DistributiveOmit<
  Exclude<MeetingCommand, { kind: 'schedule' }>,
  'meetingId' | 'today' | 'on'
>;

/**
 * A command on one meeting as a route hands it over: who asks, which meeting, what they sent, and
 * the id of the fact it records when it records one (an item, a decision, an action, a correction).
 */
export abstract class MeetingCommandBase<TBody, TResult = CommandResult> extends Command<TResult> {
  constructor(
    readonly access: AccessContext,
    readonly meetingId: string,
    readonly body: TBody,
    readonly expected: ExpectedVersion = {},
    readonly factId: string = uuidv7(),
  ) {
    super();
  }
}

/**
 * The date a meeting's fact happened when the caller gives none: the meeting's own date once it
 * is past (minutes entered afterwards keep the day the meeting was held), otherwise today.
 */
export const meetingDay = (meeting: HeldMeeting, today: string) =>
  meeting.heldOn < today ? meeting.heldOn : undefined;

/**
 * The common handler: loads the meeting, checks `permission` on it, and decides `change` dated by
 * the body's business date field, or by the meeting's day when `onMeetingDay` and it is past.
 */
export async function changeMeeting<TBody extends object>(
  records: RecordCommands,
  { access, meetingId, body, expected }: MeetingCommandBase<TBody, unknown>,
  permission: Permission,
  change: MeetingChange,
  {
    dateField,
    onMeetingDay = false,
    kind = meetings,
  }: {
    dateField?: keyof TBody & string;
    onMeetingDay?: boolean;
    /** The meeting record as this command appends to it (agreeing an action keys its event). */
    kind?: typeof meetings;
  } = {},
): Promise<CommandResult> {
  const given = dateField ? (body[dateField] as string | undefined) : undefined;
  return records.change(
    access,
    kind,
    meetingId,
    permission,
    (dates) => ({ ...change, meetingId, ...dates }) as MeetingCommand,
    (meeting) => ({
      expected,
      on: given ?? (onMeetingDay ? meetingDay(meeting, records.today()) : undefined),
      dateField,
    }),
  );
}

/** A command route on a meeting; its 404 is a meeting the caller's organisation is not part of. */
export const MeetingCommandRoute = (permission: Permission, summary: string) =>
  CommandRoute(permission, summary, {
    notFound: 'No such meeting, or one your organisation is not invited to',
  });
