import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { CorrectMinutes, FinaliseMinutes } from './finalise-minutes.commands.js';
import { CorrectMinutesBody, FinaliseMinutesBody } from './finalise-minutes.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId/minutes')
export class FinaliseMinutesController {
  constructor(private readonly commands: CommandBus) {}

  @Post('finalisation')
  @HttpCode(200)
  @MeetingCommandRoute('meeting:chair', 'Finalise the minutes: later changes are corrections')
  @ApiOkResponse({ type: CommandResult })
  finalise(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: FinaliseMinutesBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new FinaliseMinutes(access, meetingId, body, expected));
  }

  @Post('corrections')
  @HttpCode(200)
  @MeetingCommandRoute('meeting:chair', 'Record a correction beside finalised minutes')
  @ApiOkResponse({ type: CommandResult })
  correct(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: CorrectMinutesBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CorrectMinutes(access, meetingId, body, expected));
  }
}
