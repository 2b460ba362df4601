import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { FeedTokens, type Principal } from '@soc/security';
import { CALENDAR_FEED, type CalendarTokenView } from './action-calendar.dto.js';

/** A new calendar feed token for the caller (their previous one stops working). */
export class IssueCalendarToken extends Command<CalendarTokenView> {
  constructor(readonly principal: Principal) {
    super();
  }
}

/** Revokes the caller's calendar feed token. */
export class RevokeCalendarToken extends Command<void> {
  constructor(readonly principal: Principal) {
    super();
  }
}

@CommandHandler(IssueCalendarToken)
export class IssueCalendarTokenHandler implements ICommandHandler<IssueCalendarToken> {
  constructor(private readonly tokens: FeedTokens) {}

  async execute({ principal }: IssueCalendarToken): Promise<CalendarTokenView> {
    const token = await this.tokens.issue(principal, CALENDAR_FEED);
    return { token, url: `/views/my-actions/calendar/${token}` };
  }
}

@CommandHandler(RevokeCalendarToken)
export class RevokeCalendarTokenHandler implements ICommandHandler<RevokeCalendarToken> {
  constructor(private readonly tokens: FeedTokens) {}

  async execute({ principal }: RevokeCalendarToken): Promise<void> {
    await this.tokens.revoke(principal, CALENDAR_FEED);
  }
}

export const actionCalendarHandlers = [IssueCalendarTokenHandler, RevokeCalendarTokenHandler];
