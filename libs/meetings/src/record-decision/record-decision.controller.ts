import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { RecordDecision } from './record-decision.commands.js';
import { DecisionRecordedResult, RecordDecisionBody } from './record-decision.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId/decisions')
export class RecordDecisionController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @MeetingCommandRoute('meeting:chair', 'Record a decision the meeting took')
  @ApiCreatedResponse({ type: DecisionRecordedResult })
  record(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: RecordDecisionBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<DecisionRecordedResult> {
    return this.commands.execute(new RecordDecision(access, meetingId, body, expected));
  }
}
