import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { ThreatIdPath } from '../threats-projection/threat-view-parts.dto.js';
import { ThreatListParams, ThreatSummaryView, ThreatView } from './master-list.dto.js';
import { GetThreatQuery, ListThreatsQuery } from './master-list.query.js';

/** The SOC master list and each threat on it. */
@ApiTags('threats')
@Controller('threats')
export class MasterListController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Authorize('threat:read')
  @ApiOkResponse({
    type: [ThreatSummaryView],
    description: 'The threats your organisation may see, with their current score',
  })
  list(@Query() params: ThreatListParams, @Access() access: AccessContext) {
    return this.queries.execute(new ListThreatsQuery(access, params));
  }

  @Get(':threatId')
  @Authorize('threat:read')
  @ApiOkResponse({ type: ThreatView, description: 'The threat, its assessments and moderation' })
  threat(
    @Param() { threatId }: ThreatIdPath,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ) {
    return this.queries.execute(new GetThreatQuery(access, threatId, consistency));
  }
}
