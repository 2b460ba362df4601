import { ConsistencyQuery } from '@soc/messaging';
import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { PLAN_HTML_CONTENT_SECURITY_POLICY, renderPlanHtml } from './plan-html.js';
import { ThreatReads } from './threat-reads.js';
import {
  MyPlanView,
  PlanOnAPageView,
  ThreatCountsQuery,
  ThreatCountsView,
  ThreatIdPath,
  ThreatListQuery,
  ThreatSummaryView,
  ThreatView,
} from './threat-views.dto.js';

/** The SOC master list, the regional count, plans on a page and the LRO's own plans. */
@ApiTags('threats')
@Controller()
export class ThreatViewsController {
  constructor(private readonly reads: ThreatReads) {}

  @Get('threats')
  @Authorize('threat:read')
  @ApiOkResponse({
    type: [ThreatSummaryView],
    description: 'The threats your organisation may see, with their current score',
  })
  list(@Query() query: ThreatListQuery, @Access() access: AccessContext) {
    return this.reads.list(access, query);
  }

  // Declared before `threats/:threatId`, which would otherwise take "counts" for an id.
  @Get('threats/counts')
  @Authorize('threat-count:read')
  @ApiOkResponse({
    type: ThreatCountsView,
    description:
      'Threats per owner organisation counted as the region does: tactical, moderated, SOC, not tier 5, not closed, as of the end of the date',
  })
  counts(@Query() query: ThreatCountsQuery, @Access() access: AccessContext) {
    const { asOf, ...consistency } = query;
    return this.reads.counts(access, consistency, asOf);
  }

  @Get('threats/:threatId')
  @Authorize('threat:read')
  @ApiOkResponse({ type: ThreatView, description: 'The threat, its assessments and moderation' })
  threat(
    @Param() { threatId }: ThreatIdPath,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ) {
    return this.reads.threat(access, consistency, threatId);
  }

  @Get('threats/:threatId/plan')
  @Authorize('plan:read')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: PlanOnAPageView,
    description: 'The plan on a page as your organisation may see it; each read is logged',
  })
  plan(
    @Param() { threatId }: ThreatIdPath,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ) {
    return this.reads.plan(access, consistency, threatId);
  }

  @Get('threats/:threatId/plan.html')
  @Authorize('plan:read')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', PLAN_HTML_CONTENT_SECURITY_POLICY)
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html')
  @ApiOkResponse({
    type: String,
    description:
      'The same plan as a printable, self-contained HTML page, marked at top and bottom; each read is logged',
  })
  async planHtml(
    @Param() { threatId }: ThreatIdPath,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ): Promise<string> {
    return renderPlanHtml(await this.reads.plan(access, consistency, threatId));
  }

  @Get('views/my-plans')
  @Authorize('lro-view:read')
  @ApiOkResponse({
    type: [MyPlanView],
    description: 'The plans you lead, most urgent first, with what stands out',
  })
  myPlans(@Query() consistency: ConsistencyQuery, @Access() access: AccessContext) {
    return this.reads.myPlans(access, consistency);
  }
}
