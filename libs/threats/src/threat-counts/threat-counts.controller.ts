import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { ThreatCountsParams, ThreatCountsView } from './threat-counts.dto.js';
import { CountThreatsQuery } from './threat-counts.query.js';

/**
 * The regional count. Registered before the master list, whose `threats/:threatId` would
 * otherwise take "counts" for an id.
 */
@ApiTags('threats')
@Controller('threats/counts')
export class ThreatCountsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Authorize('threat-count:read')
  @ApiOkResponse({
    type: ThreatCountsView,
    description:
      'Threats per owner organisation counted as the region does: tactical, moderated, SOC, not tier 5, not closed, as of the end of the date',
  })
  counts(@Query() { asOf, ...consistency }: ThreatCountsParams, @Access() access: AccessContext) {
    return this.queries.execute(new CountThreatsQuery(access, asOf, consistency));
  }
}
