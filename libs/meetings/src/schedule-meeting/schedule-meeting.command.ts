import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { personRef } from '@soc/platform';
import { type AccessContext, enforce, type ExpectedVersion, RecordCommands } from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import { meetings } from '../meeting/meeting-record.js';
import type {
  InviteOrganisationsBody,
  MeetingScheduledResult,
  ScheduleMeetingBody,
} from './schedule-meeting.dto.js';

/** Schedule a partnership meeting chaired by the caller's organisation. */
export class ScheduleMeeting extends Command<MeetingScheduledResult> {
  constructor(
    readonly access: AccessContext,
    readonly body: ScheduleMeetingBody,
    readonly expected: ExpectedVersion = {},
    readonly meetingId: string = uuidv7(),
  ) {
    super();
  }
}

@CommandHandler(ScheduleMeeting)
export class ScheduleMeetingHandler implements ICommandHandler<ScheduleMeeting> {
  constructor(private readonly records: RecordCommands) {}

  async execute({
    access,
    body,
    expected,
    meetingId,
  }: ScheduleMeeting): Promise<MeetingScheduledResult> {
    const chair = personRef(body.chair);
    enforce(
      access.principal,
      'meeting:schedule',
      { type: 'meeting', id: meetingId, ownerOrganisationId: chair.organisationId },
      { existenceIsPublic: true },
    );
    const today = this.records.today();
    const result = await this.records.create(
      access,
      meetings,
      meetingId,
      (dates) => ({
        kind: 'schedule' as const,
        meetingId,
        ...dates,
        meetingKind: body.kind,
        title: body.title,
        chair,
        heldOn: body.heldOn,
        place: body.place,
        invitedOrganisationIds: [...body.invitedOrganisationIds],
        confidentialityStatement: body.confidentialityStatement,
      }),
      {
        expected,
        on: body.scheduledOn ?? (body.heldOn < today ? body.heldOn : undefined),
        dateField: 'scheduledOn',
      },
    );
    return { ...result, meetingId };
  }
}

/** Invite more organisations to a meeting before its minutes are final. */
export class InviteOrganisations extends MeetingCommandBase<InviteOrganisationsBody> {}

@CommandHandler(InviteOrganisations)
export class InviteOrganisationsHandler implements ICommandHandler<InviteOrganisations> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: InviteOrganisations) {
    const change = { kind: 'invite', organisationIds: [...command.body.organisationIds] } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'invitedOn',
      onMeetingDay: true,
    });
  }
}
