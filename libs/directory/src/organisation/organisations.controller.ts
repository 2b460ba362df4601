import { ConsistencyQuery } from '@soc/messaging';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult, EventStore, toCommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  Authorize,
  commandMetadata,
  RecordNotFoundError,
} from '@soc/security';
import { DirectoryReads } from '../directory-view/directory-reads.js';
import {
  OrganisationIdParam,
  OrganisationView,
  RegisterOrganisationBody,
} from '../directory.dto.js';
import { organisationDecider, organisationStream } from './organisation.js';

@ApiTags('directory')
@Controller('directory/organisations')
export class OrganisationsController {
  constructor(
    private readonly store: EventStore,
    private readonly reads: DirectoryReads,
  ) {}

  @Post()
  @Authorize('organisation:register')
  @ApiCreatedResponse({ type: CommandResult })
  async register(
    @Body() body: RegisterOrganisationBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    const result = await this.store.handle(
      organisationStream(body.organisationId),
      organisationDecider,
      { ...body },
      commandMetadata(access),
    );
    return toCommandResult(result);
  }

  @Get()
  @Authorize('organisation:read')
  @ApiOkResponse({ type: [OrganisationView] })
  list(@Query() consistency: ConsistencyQuery, @Access() access: AccessContext) {
    return this.reads.organisations(access, consistency);
  }

  @Get(':organisationId')
  @Authorize('organisation:read')
  @ApiOkResponse({ type: OrganisationView })
  async one(
    @Param() { organisationId }: OrganisationIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<OrganisationView> {
    const [organisation] = await this.reads.organisations(access, consistency, organisationId);
    if (!organisation) throw new RecordNotFoundError('organisation', organisationId);
    return organisation;
  }
}
