import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { ThreatIdPath } from '../threats-projection/threat-view-parts.dto.js';
import { PLAN_HTML_CONTENT_SECURITY_POLICY, renderPlanHtml } from './plan-html.js';
import { PlanOnAPageView } from './plan-on-a-page.dto.js';
import { GetPlanOnAPageQuery } from './plan-on-a-page.query.js';

/** A threat's plan on a page, as JSON and as a printable page. */
@ApiTags('threats')
@Controller('threats/:threatId')
export class PlanOnAPageController {
  constructor(private readonly queries: QueryBus) {}

  @Get('plan')
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
    return this.queries.execute(new GetPlanOnAPageQuery(access, threatId, consistency));
  }

  @Get('plan.html')
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
    const plan = await this.queries.execute(new GetPlanOnAPageQuery(access, threatId, consistency));
    return renderPlanHtml(plan);
  }
}
