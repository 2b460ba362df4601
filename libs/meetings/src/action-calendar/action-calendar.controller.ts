import { Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '@soc/platform';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { CalendarTokenParam, CalendarTokenView } from './action-calendar.dto.js';
import { IssueCalendarToken, RevokeCalendarToken } from './action-calendar.commands.js';
import { GetActionCalendarQuery } from './action-calendar.query.js';

/** The partner's actions as a calendar a client subscribes to with a per-person token. */
@ApiTags('meetings')
@Controller('views/my-actions')
export class ActionCalendarController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('calendar-token')
  @Authorize('partner-action-view:read')
  @ApiCreatedResponse({
    type: CalendarTokenView,
    description: 'A new token for your calendar feed; the previous one stops working',
  })
  issue(@Access() access: AccessContext) {
    return this.commands.execute(new IssueCalendarToken(access.principal));
  }

  @Delete('calendar-token')
  @HttpCode(204)
  @Authorize('partner-action-view:read')
  @ApiNoContentResponse({ description: 'Your calendar feed token no longer works' })
  revoke(@Access() access: AccessContext) {
    return this.commands.execute(new RevokeCalendarToken(access.principal));
  }

  @Get('calendar/:token')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/calendar')
  @ApiOkResponse({
    schema: { type: 'string' },
    description:
      'iCalendar (RFC 5545): an all-day event on the due date of each action your organisation leads or supports at meetings, and each plan action it owns, that is neither completed nor closed; UIDs are partner-action-<id> or plan-action-<id>',
  })
  @ApiNotFoundResponse({ description: 'No such token, or one revoked' })
  feed(@Param() { token }: CalendarTokenParam) {
    return this.queries.execute(new GetActionCalendarQuery(token));
  }
}
