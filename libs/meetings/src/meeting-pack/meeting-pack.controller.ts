import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { MeetingPackParams, MeetingPackView } from './meeting-pack.dto.js';
import { GetMeetingPackQuery } from './meeting-pack.query.js';

/** The meeting pack, as the caller's organisation may see it. */
@ApiTags('meetings')
@Controller('meetings/:meetingId')
export class MeetingPackController {
  constructor(private readonly queries: QueryBus) {}

  @Get('pack')
  @Authorize('meeting-pack:read')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: MeetingPackView,
    description:
      'The meeting, its agenda threats, the intelligence your organisation may receive, decisions, the actions agreed and the previous meeting’s incomplete ones by lead organisation, attendance over the series',
  })
  @ApiNotFoundResponse({
    description: 'No such meeting, or one your organisation is not invited to',
  })
  pack(
    @Param() { meetingId }: MeetingIdParam,
    @Query() params: MeetingPackParams,
    @Access() access: AccessContext,
  ) {
    return this.queries.execute(new GetMeetingPackQuery(access, meetingId, params));
  }
}
