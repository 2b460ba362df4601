import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ThreatCommandRoute as Command } from '../threat/threat-command.js';
import { ShareParams, ThreatIdParam } from '../threat/threat-params.dto.js';
import { ReviewPlan, SharePlan, UnsharePlan, UpdatePlan } from './update-plan.commands.js';
import { ReviewPlanBody, SharePlanBody, UpdatePlanBody } from './update-plan.dto.js';

@ApiTags('threats')
@Controller('threats/:threatId/plan')
export class UpdatePlanController {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @Command('plan:update', 'Replace the narrative of the plan on a page, and its review date')
  @ApiOkResponse({ type: CommandResult })
  update(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: UpdatePlanBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new UpdatePlan(access, threatId, body, expected));
  }

  @Post('reviews')
  @HttpCode(200)
  @Command('plan:update', 'Record that the plan was reviewed, and when it is next due')
  @ApiOkResponse({ type: CommandResult })
  review(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: ReviewPlanBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ReviewPlan(access, threatId, body, expected));
  }

  @Post('shares')
  @HttpCode(200)
  @Command('plan:update', 'Share the plan with partner organisations')
  @ApiOkResponse({ type: CommandResult })
  share(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: SharePlanBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new SharePlan(access, threatId, body, expected));
  }

  @Delete('shares/:organisationId')
  @HttpCode(200)
  @Command('plan:update', 'Stop sharing the plan with an organisation (none of its actions open)')
  @ApiOkResponse({ type: CommandResult })
  unshare(
    @Param() params: ShareParams,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new UnsharePlan(access, params, expected));
  }
}
