import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  type ExpectedVersion,
  IfMatch,
  StatedPurpose,
} from '@soc/security';
import { ThreatCommandRoute as Command } from '../threat/threat-command.js';
import { InvolvementParams, ThreatIdParam } from '../threat/threat-params.dto.js';
import { AddPlanPerson, RemovePlanPerson } from './plan-people.commands.js';
import {
  AddPlanPersonBody,
  PlanPersonAddedResult,
  RemovePlanPersonBody,
} from './plan-people.dto.js';

@ApiTags('threats')
@Controller('threats/:threatId/plan/people')
export class PlanPeopleController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Command('plan:update', 'Name a person involved in the threat (personal data: sealed, logged)')
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description:
      'Why the personal data is collected, for the access log (default: "recorded on the plan on a page")',
    example: 'Principal of OCG identified by intelligence report 123',
  })
  @ApiCreatedResponse({ type: PlanPersonAddedResult })
  add(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: AddPlanPersonBody,
    @StatedPurpose() purpose: string | null,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<PlanPersonAddedResult> {
    return this.commands.execute(new AddPlanPerson(access, threatId, body, purpose, expected));
  }

  @Post(':involvementId/removal')
  @HttpCode(200)
  @Command('plan:update', 'Take a person off the plan, saying why')
  @ApiOkResponse({ type: CommandResult })
  remove(
    @Param() params: InvolvementParams,
    @Body() body: RemovePlanPersonBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RemovePlanPerson(access, params, body, expected));
  }
}
