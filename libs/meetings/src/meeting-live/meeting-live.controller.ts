import { Controller, Param, Query, Sse, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { LastEventId, MeetingLiveMessage } from './meeting-live.dto.js';
import { MeetingVisibleGuard } from './meeting-live.guard.js';
import { OpenMeetingLiveQuery } from './meeting-live.query.js';

/** A meeting's live updates, as the caller's organisation may see them. */
@ApiTags('meetings')
@Controller('meetings/:meetingId')
export class MeetingLiveController {
  constructor(private readonly queries: QueryBus) {}

  @Sse('events')
  @Authorize('meeting-pack:read')
  @UseGuards(MeetingVisibleGuard)
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event (its id, a global position)',
  })
  @ApiOkResponse({
    type: MeetingLiveMessage,
    description:
      'Server-Sent Events: each event of the meeting and of its actions once the meeting pack shows it, as JSON data with the global position as its id, filtered as the pack is; a comment every 15 s keeps the connection open',
  })
  @ApiNotFoundResponse({
    description: 'No such meeting, or one your organisation is not invited to',
  })
  events(
    @Param() { meetingId }: MeetingIdParam,
    @Query() consistency: ConsistencyQuery,
    @LastEventId() after: number | undefined,
    @Access() access: AccessContext,
  ) {
    return this.queries.execute(new OpenMeetingLiveQuery(access, meetingId, consistency, after));
  }
}
