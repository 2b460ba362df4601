import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { ActionCalendarController } from './action-calendar/action-calendar.controller.js';
import { actionCalendarHandlers } from './action-calendar/action-calendar.commands.js';
import { GetActionCalendarHandler } from './action-calendar/action-calendar.query.js';
import { ActionDigestController } from './action-digest/action-digest.controller.js';
import { GetActionDigestHandler } from './action-digest/action-digest.query.js';
import { AgreeActionController } from './agree-action/agree-action.controller.js';
import { AgreePartnerActionHandler } from './agree-action/agree-action.commands.js';
import { DueDateRequestsController } from './due-date-requests/due-date-requests.controller.js';
import { dueDateRequestHandlers } from './due-date-requests/due-date-requests.commands.js';
import { FinaliseMinutesController } from './finalise-minutes/finalise-minutes.controller.js';
import { finaliseMinutesHandlers } from './finalise-minutes/finalise-minutes.commands.js';
import { MeetingLiveController } from './meeting-live/meeting-live.controller.js';
import { MeetingLiveFeed } from './meeting-live/meeting-live.feed.js';
import { OpenMeetingLiveHandler } from './meeting-live/meeting-live.query.js';
import { MeetingPackController } from './meeting-pack/meeting-pack.controller.js';
import { GetMeetingPackHandler } from './meeting-pack/meeting-pack.query.js';
import { MyActionsController } from './my-actions/my-actions.controller.js';
import { GetMyActionsHandler } from './my-actions/my-actions.query.js';
import { MeetingViewReader } from './partner-actions-projection/meeting-view-reader.js';
import { MeetingAgendaController } from './meeting-agenda/meeting-agenda.controller.js';
import { meetingAgendaHandlers } from './meeting-agenda/meeting-agenda.commands.js';
import { PartnerActionCommands } from './partner-action/partner-action-command.js';
import { AgreedActions } from './partner-action/partner-action-record.js';
import { RecordDecisionController } from './record-decision/record-decision.controller.js';
import { RecordDecisionHandler } from './record-decision/record-decision.commands.js';
import { RecordMeetingController } from './record-meeting/record-meeting.controller.js';
import { recordMeetingHandlers } from './record-meeting/record-meeting.commands.js';
import {
  InviteOrganisationsHandler,
  ScheduleMeetingHandler,
} from './schedule-meeting/schedule-meeting.command.js';
import { ScheduleMeetingController } from './schedule-meeting/schedule-meeting.controller.js';
import { ShareIntelligenceController } from './share-intelligence/share-intelligence.controller.js';
import { ShareIntelligenceHandler } from './share-intelligence/share-intelligence.commands.js';
import { UpdateActionController } from './update-action/update-action.controller.js';
import { updateActionHandlers } from './update-action/update-action.commands.js';

/**
 * Partnership meetings: scheduling, invitations, the agenda, attendance, intelligence, decisions,
 * the actions agreed and their life afterwards, minutes and their corrections; the partners'
 * view of their organisation's actions, the meeting pack and its live updates.
 */
@Module({
  controllers: [
    ScheduleMeetingController,
    MeetingAgendaController,
    RecordMeetingController,
    ShareIntelligenceController,
    RecordDecisionController,
    AgreeActionController,
    FinaliseMinutesController,
    UpdateActionController,
    DueDateRequestsController,
    MyActionsController,
    ActionDigestController,
    ActionCalendarController,
    MeetingPackController,
    MeetingLiveController,
  ],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    RecordCommands,
    AgreedActions,
    PartnerActionCommands,
    ScheduleMeetingHandler,
    InviteOrganisationsHandler,
    ...meetingAgendaHandlers,
    ...recordMeetingHandlers,
    ShareIntelligenceHandler,
    RecordDecisionHandler,
    AgreePartnerActionHandler,
    ...finaliseMinutesHandlers,
    ...updateActionHandlers,
    ...dueDateRequestHandlers,
    MeetingViewReader,
    GetMyActionsHandler,
    GetActionDigestHandler,
    ...actionCalendarHandlers,
    GetActionCalendarHandler,
    GetMeetingPackHandler,
    MeetingLiveFeed,
    OpenMeetingLiveHandler,
  ],
})
export class MeetingsModule {}
