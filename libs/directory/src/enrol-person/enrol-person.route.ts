import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { OrganisationIdParam } from '../directory.dto.js';
import { EnrolPerson } from './enrol-person.command.js';
import { EnrolPersonBody } from './enrol-person.dto.js';

@ApiTags('directory')
@Controller('directory/organisations')
export class EnrolPersonController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':organisationId/people')
  @Authorize('person:enrol')
  @ApiCreatedResponse({ type: CommandResult })
  enrol(
    @Param() { organisationId }: OrganisationIdParam,
    @Body() body: EnrolPersonBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new EnrolPerson(access, { ...body, organisationId }));
  }
}
