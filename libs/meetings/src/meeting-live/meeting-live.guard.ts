import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ConsistencyQuery } from '@soc/messaging';
import { validationPipe } from '@soc/platform';
import type { AccessContext } from '@soc/security';
import type { Request } from 'express';
import { MeetingViewReader } from '../partner-actions-projection/meeting-view-reader.js';
import { assertMeetingVisible } from './meeting-live.query.js';

/**
 * Refuses a stream of a meeting the caller may not see before the stream starts: an SSE route's
 * status and headers go out as soon as its handler is under way, so its 404 must come earlier.
 * `minPosition` waits, as on the other reads, for a meeting just scheduled.
 */
@Injectable()
export class MeetingVisibleGuard implements CanActivate {
  constructor(private readonly views: MeetingViewReader) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { access?: AccessContext }>();
    const meetingId = request.params.meetingId;
    if (!request.access || typeof meetingId !== 'string') return false;
    // Guards run before pipes: the query is validated here as the route's pipe will again.
    const consistency = (await validationPipe().transform(request.query, {
      type: 'query',
      metatype: ConsistencyQuery,
    })) as ConsistencyQuery;
    await assertMeetingVisible(this.views, request.access, meetingId, consistency);
    return true;
  }
}
