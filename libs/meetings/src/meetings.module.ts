import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { FinaliseMinutesController } from './finalise-minutes/finalise-minutes.controller.js';
import { finaliseMinutesHandlers } from './finalise-minutes/finalise-minutes.commands.js';
import { RecordMeetingController } from './record-meeting/record-meeting.controller.js';
import { recordMeetingHandlers } from './record-meeting/record-meeting.commands.js';
import {
  InviteOrganisationsHandler,
  ScheduleMeetingHandler,
} from './schedule-meeting/schedule-meeting.command.js';
import { ScheduleMeetingController } from './schedule-meeting/schedule-meeting.controller.js';

/** Partnership meetings: scheduling, invitations, attendance, minutes and their corrections. */
@Module({
  controllers: [ScheduleMeetingController, RecordMeetingController, FinaliseMinutesController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    RecordCommands,
    ScheduleMeetingHandler,
    InviteOrganisationsHandler,
    ...recordMeetingHandlers,
    ...finaliseMinutesHandlers,
  ],
})
export class MeetingsModule {}
