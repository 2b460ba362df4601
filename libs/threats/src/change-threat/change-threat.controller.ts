import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ThreatCommandRoute as Command } from '../threat/threat-command.js';
import { ThreatIdParam } from '../threat/threat-params.dto.js';
import { ChangeLro, ChangePhase, ChangeTier, CloseThreat } from './change-threat.commands.js';
import {
  ChangeLroBody,
  ChangePhaseBody,
  ChangeTierBody,
  CloseThreatBody,
} from './change-threat.dto.js';

@ApiTags('threats')
@Controller('threats/:threatId')
export class ChangeThreatController {
  constructor(private readonly commands: CommandBus) {}

  @Post('tier')
  @HttpCode(200)
  @Command('threat:update', 'Change the threat’s tier (1 highest, 5 lowest), saying why')
  @ApiOkResponse({ type: CommandResult })
  changeTier(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangeTierBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ChangeTier(access, threatId, body, expected));
  }

  @Post('phase')
  @HttpCode(200)
  @Command('threat:update', 'Move the threat to another phase (close it with /closure)')
  @ApiOkResponse({ type: CommandResult })
  changePhase(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangePhaseBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ChangePhase(access, threatId, body, expected));
  }

  @Post('lro')
  @HttpCode(200)
  @Command('threat:update', 'Hand the plan to another lead responsible officer (and SRO)')
  @ApiOkResponse({ type: CommandResult })
  changeLro(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ChangeLroBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ChangeLro(access, threatId, body, expected));
  }

  @Post('closure')
  @HttpCode(200)
  @Command('threat:update', 'Close the threat: its plan takes no more changes')
  @ApiOkResponse({ type: CommandResult })
  close(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: CloseThreatBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CloseThreat(access, threatId, body, expected));
  }
}
