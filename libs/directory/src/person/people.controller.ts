import { ConsistencyQuery } from '@soc/messaging';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  Authorize,
  CommandRoute,
  type ExpectedVersion,
  IfMatch,
} from '@soc/security';
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

const NO_PERSON = 'No such person, or one your organisation may not know of';

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
  @CommandRoute('person:change-roles', "Replace a person's roles", { notFound: NO_PERSON })
  @ApiOkResponse({ type: CommandResult })
  changeRoles(
    @Param() { personId }: PersonIdParam,
    @Body() body: ChangeRolesBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.changeRoles(access, personId, body.roles, expected);
  }

  @Post('people/:personId/erasure')
  @HttpCode(200)
  @CommandRoute('person:erase', "Erase a person's personal data (their key is destroyed)", {
    notFound: NO_PERSON,
  })
  @ApiOkResponse({ type: CommandResult })
  erase(
    @Param() { personId }: PersonIdParam,
    @Body() body: ErasePersonBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.erase(access, personId, body.reason, expected);
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
