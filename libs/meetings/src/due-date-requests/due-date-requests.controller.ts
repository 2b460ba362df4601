import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { PartnerActionCommandRoute } from '../partner-action/partner-action-command.js';
import {
  ActionIdParam,
  DueDateRequestParams,
} from '../partner-action/partner-action-params.dto.js';
import { DecideDueDate, RequestDueDate } from './due-date-requests.commands.js';
import {
  DecideDueDateBody,
  DueDateRequestedResult,
  RequestDueDateBody,
} from './due-date-requests.dto.js';

@ApiTags('meetings')
@Controller('actions/:actionId/due-date-requests')
export class DueDateRequestsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @PartnerActionCommandRoute(
    'partner-action:update',
    'Ask the meeting’s chair for a new due date for your agency’s action',
  )
  @ApiCreatedResponse({ type: DueDateRequestedResult })
  request(
    @Param() { actionId }: ActionIdParam,
    @Body() body: RequestDueDateBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<DueDateRequestedResult> {
    return this.commands.execute(new RequestDueDate(access, actionId, body, expected));
  }

  @Post(':requestId/decision')
  @HttpCode(200)
  @PartnerActionCommandRoute(
    'meeting:chair',
    'Grant or refuse a new due date asked for (the meeting’s chair)',
  )
  @ApiOkResponse({ type: CommandResult })
  decide(
    @Param() params: DueDateRequestParams,
    @Body() body: DecideDueDateBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new DecideDueDate(access, params, body, expected));
  }
}
