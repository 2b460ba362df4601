import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { PartnerActionCommandRoute } from '../partner-action/partner-action-command.js';
import { ActionIdParam } from '../partner-action/partner-action-params.dto.js';
import {
  ClosePartnerAction,
  CompletePartnerAction,
  PostActionProgress,
} from './update-action.commands.js';
import { CloseActionBody, CompleteActionBody, PostProgressBody } from './update-action.dto.js';

@ApiTags('meetings')
@Controller('actions/:actionId')
export class UpdateActionController {
  constructor(private readonly commands: CommandBus) {}

  @Post('progress')
  @HttpCode(200)
  @PartnerActionCommandRoute('partner-action:update', 'Post a dated update on your agency’s action')
  @ApiOkResponse({ type: CommandResult })
  progress(
    @Param() { actionId }: ActionIdParam,
    @Body() body: PostProgressBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new PostActionProgress(access, actionId, body, expected));
  }

  @Post('completion')
  @HttpCode(200)
  @PartnerActionCommandRoute(
    'partner-action:update',
    'Complete your agency’s action, with the outcome',
  )
  @ApiOkResponse({ type: CommandResult })
  complete(
    @Param() { actionId }: ActionIdParam,
    @Body() body: CompleteActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CompletePartnerAction(access, actionId, body, expected));
  }

  @Post('closure')
  @HttpCode(200)
  @PartnerActionCommandRoute(
    'partner-action:update',
    'Close your agency’s action uncompleted: circumstances changed, or the agency did not act',
  )
  @ApiOkResponse({ type: CommandResult })
  close(
    @Param() { actionId }: ActionIdParam,
    @Body() body: CloseActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ClosePartnerAction(access, actionId, body, expected));
  }
}
