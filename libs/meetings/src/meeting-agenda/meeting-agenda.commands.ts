import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { AddAgendaItemBody, PublishAgendaBody } from './meeting-agenda.dto.js';

/**
 * Put a threat on the agenda: its plan on a page is reviewed at the meeting. The agenda of a
 * meeting recorded after it was held is dated its day, like the rest of its record.
 */
export class AddAgendaItem extends MeetingCommandBase<AddAgendaItemBody> {}

/** Take a threat off the agenda. */
export class RemoveAgendaItem extends MeetingCommandBase<{ threatId: string }> {}

/** Send the agenda out: the plans on a page the invitees get are those of this moment. */
export class PublishAgenda extends MeetingCommandBase<PublishAgendaBody> {}

@CommandHandler(AddAgendaItem)
export class AddAgendaItemHandler implements ICommandHandler<AddAgendaItem> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: AddAgendaItem) {
    const { threatId, ownerOrganisationId } = command.body;
    const change = { kind: 'add-agenda-item', threatId, ownerOrganisationId } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'addedOn',
      onMeetingDay: true,
    });
  }
}

@CommandHandler(RemoveAgendaItem)
export class RemoveAgendaItemHandler implements ICommandHandler<RemoveAgendaItem> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: RemoveAgendaItem) {
    const change = { kind: 'remove-agenda-item', threatId: command.body.threatId } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, { onMeetingDay: true });
  }
}

@CommandHandler(PublishAgenda)
export class PublishAgendaHandler implements ICommandHandler<PublishAgenda> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: PublishAgenda) {
    return changeMeeting(
      this.records,
      command,
      'meeting:chair',
      { kind: 'publish-agenda' },
      {
        dateField: 'publishedOn',
        onMeetingDay: true,
      },
    );
  }
}

export const meetingAgendaHandlers = [
  AddAgendaItemHandler,
  RemoveAgendaItemHandler,
  PublishAgendaHandler,
];
