import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ThreatCommandRoute as Command } from '../threat/threat-command.js';
import { ActionParams, ThreatIdParam } from '../threat/threat-params.dto.js';
import {
  AgreeAction,
  CancelAction,
  CompleteAction,
  ProposeAction,
  RecordActionProgress,
  StartAction,
} from './plan-actions.commands.js';
import {
  ActionProgressBody,
  ActionProposedResult,
  AgreeActionBody,
  CancelActionBody,
  CompleteActionBody,
  ProposeActionBody,
  StartActionBody,
} from './plan-actions.dto.js';

@ApiTags('threats')
@Controller('threats/:threatId/actions')
export class PlanActionsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Command('action:propose', 'Propose a 4P action, owned by an organisation holding the plan')
  @ApiCreatedResponse({ type: ActionProposedResult })
  propose(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ProposeActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<ActionProposedResult> {
    return this.commands.execute(new ProposeAction(access, threatId, body, expected));
  }

  @Post(':actionId/agreement')
  @HttpCode(200)
  @Command('action:update', 'Agree a proposed action')
  @ApiOkResponse({ type: CommandResult })
  agree(
    @Param() params: ActionParams,
    @Body() body: AgreeActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new AgreeAction(access, params, body, expected));
  }

  @Post(':actionId/start')
  @HttpCode(200)
  @Command('action:update', 'Start an agreed action')
  @ApiOkResponse({ type: CommandResult })
  start(
    @Param() params: ActionParams,
    @Body() body: StartActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new StartAction(access, params, body, expected));
  }

  @Post(':actionId/completion')
  @HttpCode(200)
  @Command('action:update', 'Complete an agreed or started action, with its outcome')
  @ApiOkResponse({ type: CommandResult })
  complete(
    @Param() params: ActionParams,
    @Body() body: CompleteActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CompleteAction(access, params, body, expected));
  }

  @Post(':actionId/cancellation')
  @HttpCode(200)
  @Command('action:update', 'Cancel an open action, saying why')
  @ApiOkResponse({ type: CommandResult })
  cancel(
    @Param() params: ActionParams,
    @Body() body: CancelActionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CancelAction(access, params, body, expected));
  }

  @Post(':actionId/progress')
  @HttpCode(200)
  @Command('action:update', 'Post a dated progress update on an open action')
  @ApiOkResponse({ type: CommandResult })
  progress(
    @Param() params: ActionParams,
    @Body() body: ActionProgressBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RecordActionProgress(access, params, body, expected));
  }
}
