import { ConsistencyQuery } from '@soc/messaging';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { DirectoryReads } from '../directory-view/directory-reads.js';
import {
  ChangeRolesBody,
  EnrolPersonBody,
  ErasePersonBody,
  OrganisationIdParam,
  PersonIdParam,
  PersonView,
} from '../directory.dto.js';
import { PeopleCommands } from './people.commands.js';

@ApiTags('directory')
@Controller('directory')
export class PeopleController {
  constructor(
    private readonly commands: PeopleCommands,
    private readonly reads: DirectoryReads,
  ) {}

  @Post('organisations/:organisationId/people')
  @Authorize('person:enrol')
  @ApiCreatedResponse({ type: CommandResult })
  enrol(
    @Param() { organisationId }: OrganisationIdParam,
    @Body() body: EnrolPersonBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.enrol(access, organisationId, body);
  }

  @Put('people/:personId/roles')
  @Authorize('person:change-roles')
  @ApiOkResponse({ type: CommandResult })
  changeRoles(
    @Param() { personId }: PersonIdParam,
    @Body() body: ChangeRolesBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.changeRoles(access, personId, body.roles);
  }

  @Post('people/:personId/erasure')
  @HttpCode(200)
  @Authorize('person:erase')
  @ApiOkResponse({ type: CommandResult })
  erase(
    @Param() { personId }: PersonIdParam,
    @Body() body: ErasePersonBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.erase(access, personId, body.reason);
  }

  @Get('organisations/:organisationId/people')
  @Authorize('person:read')
  @ApiOkResponse({ type: [PersonView] })
  people(
    @Param() { organisationId }: OrganisationIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<PersonView[]> {
    return this.reads.people(access, consistency, { organisationId });
  }

  @Get('people/:personId')
  @Authorize('person:read')
  @ApiOkResponse({ type: PersonView })
  person(
    @Param() { personId }: PersonIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<PersonView> {
    return this.reads.person(access, consistency, personId);
  }
}
