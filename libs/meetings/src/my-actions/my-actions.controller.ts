import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { MyActionsParams, MyActionsView } from './my-actions.dto.js';
import { GetMyActionsQuery } from './my-actions.query.js';

/** The partner's view: its organisation's actions across every meeting and plan, overdue first. */
@ApiTags('meetings')
@Controller('views/my-actions')
export class MyActionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Authorize('partner-action-view:read')
  @ApiOkResponse({
    type: MyActionsView,
    description:
      'The actions your organisation leads or supports at meetings, and the plan actions it owns, as they stood on the date: overdue first, then by due date',
  })
  myActions(@Query() params: MyActionsParams, @Access() access: AccessContext) {
    return this.queries.execute(new GetMyActionsQuery(access, params));
  }
}
