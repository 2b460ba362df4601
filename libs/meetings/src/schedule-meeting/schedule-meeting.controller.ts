import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { InviteOrganisations, ScheduleMeeting } from './schedule-meeting.command.js';
import {
  InviteOrganisationsBody,
  MeetingScheduledResult,
  ScheduleMeetingBody,
} from './schedule-meeting.dto.js';

@ApiTags('meetings')
@Controller('meetings')
export class ScheduleMeetingController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @MeetingCommandRoute(
    'meeting:schedule',
    'Schedule a partnership meeting your organisation chairs',
  )
  @ApiCreatedResponse({ type: MeetingScheduledResult })
  schedule(
    @Body() body: ScheduleMeetingBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<MeetingScheduledResult> {
    return this.commands.execute(new ScheduleMeeting(access, body, expected));
  }

  @Post(':meetingId/invitations')
  @HttpCode(200)
  @MeetingCommandRoute('meeting:chair', 'Invite more organisations to the meeting')
  @ApiOkResponse({ type: CommandResult })
  invite(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: InviteOrganisationsBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new InviteOrganisations(access, meetingId, body, expected));
  }
}
