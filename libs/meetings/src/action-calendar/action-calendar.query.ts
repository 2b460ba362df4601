import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Clock, CLOCK } from '@soc/platform';
import { FeedTokens, RecordNotFoundError } from '@soc/security';
import { organisationActions } from '../my-actions/my-actions.query.js';
import type { MyActionView } from '../my-actions/my-actions.dto.js';
import { MeetingViewReader } from '../partner-actions-projection/meeting-view-reader.js';
import { isIncomplete } from '../partner-actions-projection/partner-action-view.js';
import { CALENDAR_FEED } from './action-calendar.dto.js';
import { type AllDayEvent, calendar } from './icalendar.js';

/**
 * The iCalendar feed of a calendar token: its organisation's open actions, of meetings and of
 * plans, on their due dates.
 */
export class GetActionCalendarQuery extends Query<string> {
  constructor(readonly token: string) {
    super();
  }
}

const agreedAt = ({ meeting, plan }: MyActionView) =>
  meeting ? `${meeting.title} (${meeting.heldOn})` : `Plan: ${plan!.codeName}`;

const eventOf = (action: MyActionView): AllDayEvent => ({
  uid: `${action.kind}-${action.actionId}@soc-partnership`,
  date: action.dueDate,
  summary: `${action.overdue ? 'Overdue: ' : 'Due: '}${action.description}`,
  description: [
    agreedAt(action),
    `Lead: ${action.leadOrganisationId}${action.role === 'supporting' ? ' (you support)' : ''}`,
    `Status: ${action.status}`,
  ].join('\n'),
});

/**
 * Reads as the token's person and organisation with no role at all: row-level security shows
 * the organisation's actions, and the token grants nothing else. An unknown or revoked token is
 * a 404, as a feed that does not exist.
 */
@QueryHandler(GetActionCalendarQuery)
export class GetActionCalendarHandler implements IQueryHandler<GetActionCalendarQuery> {
  constructor(
    private readonly tokens: FeedTokens,
    private readonly views: MeetingViewReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ token }: GetActionCalendarQuery): Promise<string> {
    const reader = await this.tokens.resolve(token, CALENDAR_FEED);
    if (!reader) throw new RecordNotFoundError('calendar feed', 'this token');
    const access = { principal: { ...reader, roles: [] }, purpose: null, requestId: null };
    const actions = await this.views.read(access, {}, async (db, today) =>
      (await organisationActions(db, reader.organisationId, today)).filter((a) =>
        isIncomplete(a.status),
      ),
    );
    return calendar(`Actions of ${reader.organisationId}`, actions.map(eventOf), this.clock.now());
  }
}
