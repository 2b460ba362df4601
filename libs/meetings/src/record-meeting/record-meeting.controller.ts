import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { RecordAttendance } from './record-meeting.commands.js';
import { RecordAttendanceBody } from './record-meeting.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId')
export class RecordMeetingController {
  constructor(private readonly commands: CommandBus) {}

  @Post('attendance')
  @HttpCode(200)
  @MeetingCommandRoute(
    'meeting:chair',
    'Record who attended, and their acceptance of confidentiality',
  )
  @ApiOkResponse({ type: CommandResult })
  attendance(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: RecordAttendanceBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordAttendance(access, meetingId, body, expected));
  }
}
