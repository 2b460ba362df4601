import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { AgreePartnerAction } from './agree-action.commands.js';
import { ActionAgreedResult, AgreeActionBody } from './agree-action.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId/actions')
export class AgreeActionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @MeetingCommandRoute(
    'meeting:chair',
    'Record an action the meeting agreed: a lead organisation, its supporters, a point of contact',
  )
  @ApiCreatedResponse({ type: ActionAgreedResult })
  agree(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: AgreeActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<ActionAgreedResult> {
    return this.commands.execute(new AgreePartnerAction(access, meetingId, body, expected));
  }
}
