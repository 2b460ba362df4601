import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { ActionDigestParams, ActionDigestView } from './action-digest.dto.js';
import { GetActionDigestQuery } from './action-digest.query.js';

/** The weekly digest of the partner's view: what is due this week, and what is overdue. */
@ApiTags('meetings')
@Controller('views/my-actions')
export class ActionDigestController {
  constructor(private readonly queries: QueryBus) {}

  @Get('digest')
  @Authorize('partner-action-view:read')
  @ApiOkResponse({
    type: ActionDigestView,
    description:
      'The actions your organisation leads or supports at meetings, and the plan actions it owns, that are due in the week or overdue, neither completed nor closed',
  })
  digest(@Query() params: ActionDigestParams, @Access() access: AccessContext) {
    return this.queries.execute(new GetActionDigestQuery(access, params));
  }
}
