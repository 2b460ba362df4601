import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { MyPlanView } from './my-plans.dto.js';
import { GetMyPlansQuery } from './my-plans.query.js';

/** The LRO's own plans, with what stands out about each. */
@ApiTags('threats')
@Controller('views/my-plans')
export class MyPlansController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Authorize('lro-view:read')
  @ApiOkResponse({
    type: [MyPlanView],
    description: 'The plans you lead, most urgent first, with what stands out',
  })
  myPlans(@Query() consistency: ConsistencyQuery, @Access() access: AccessContext) {
    return this.queries.execute(new GetMyPlansQuery(access, consistency));
  }
}
