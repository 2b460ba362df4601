import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { AgendaItemParams, MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { AddAgendaItem, PublishAgenda, RemoveAgendaItem } from './meeting-agenda.commands.js';
import { AddAgendaItemBody, PublishAgendaBody } from './meeting-agenda.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId/agenda')
export class MeetingAgendaController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @MeetingCommandRoute(
    'meeting:chair',
    'Put a threat on the agenda, with the organisation holding it',
  )
  @ApiOkResponse({ type: CommandResult })
  add(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: AddAgendaItemBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new AddAgendaItem(access, meetingId, body, expected));
  }

  @Delete(':threatId')
  @MeetingCommandRoute('meeting:chair', 'Take a threat off the agenda')
  @ApiOkResponse({ type: CommandResult })
  remove(
    @Param() { meetingId, threatId }: AgendaItemParams,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RemoveAgendaItem(access, meetingId, { threatId }, expected));
  }

  @Post('publication')
  @HttpCode(200)
  @MeetingCommandRoute(
    'meeting:chair',
    'Publish the agenda: the plans on a page sent out are frozen as of now',
  )
  @ApiOkResponse({ type: CommandResult })
  publish(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: PublishAgendaBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new PublishAgenda(access, meetingId, body, expected));
  }
}
