import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { RecordAttendanceBody } from './record-meeting.dto.js';

/** Record an attendee: present, apologies, absent or observing, and their confidentiality. */
export class RecordAttendance extends MeetingCommandBase<RecordAttendanceBody> {}

@CommandHandler(RecordAttendance)
export class RecordAttendanceHandler implements ICommandHandler<RecordAttendance> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: RecordAttendance) {
    const { organisationId, personId, attendance, acceptedConfidentiality } = command.body;
    const change = {
      kind: 'record-attendance',
      organisationId,
      personId,
      attendance,
      acceptedConfidentiality,
    } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'recordedOn',
      onMeetingDay: true,
    });
  }
}

export const recordMeetingHandlers = [RecordAttendanceHandler];
