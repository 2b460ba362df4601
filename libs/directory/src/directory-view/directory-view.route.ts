import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { OrganisationIdParam, PersonIdParam } from '../directory.dto.js';
import { OrganisationView, PersonView } from './directory-view.dto.js';
import { GetOrganisation, ListOrganisations } from './organisations.query.js';
import { GetPerson, ListPeople } from './people.query.js';

@ApiTags('directory')
@Controller('directory')
export class DirectoryViewController {
  constructor(private readonly queries: QueryBus) {}

  @Get('organisations')
  @Authorize('organisation:read')
  @ApiOkResponse({ type: [OrganisationView] })
  organisations(
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<OrganisationView[]> {
    return this.queries.execute(new ListOrganisations(access, consistency));
  }

  @Get('organisations/:organisationId')
  @Authorize('organisation:read')
  @ApiOkResponse({ type: OrganisationView })
  organisation(
    @Param() { organisationId }: OrganisationIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<OrganisationView> {
    return this.queries.execute(new GetOrganisation(access, consistency, organisationId));
  }

  @Get('organisations/:organisationId/people')
  @Authorize('person:read')
  @ApiOkResponse({ type: [PersonView] })
  people(
    @Param() { organisationId }: OrganisationIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<PersonView[]> {
    return this.queries.execute(new ListPeople(access, consistency, organisationId));
  }

  @Get('people/:personId')
  @Authorize('person:read')
  @ApiOkResponse({ type: PersonView })
  person(
    @Param() { personId }: PersonIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<PersonView> {
    return this.queries.execute(new GetPerson(access, consistency, personId));
  }
}
