import { Body, Controller, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { MeetingCommandRoute } from '../meeting/meeting-command.js';
import { MeetingIdParam } from '../meeting/meeting-params.dto.js';
import { ShareIntelligence } from './share-intelligence.commands.js';
import { IntelligenceSharedResult, ShareIntelligenceBody } from './share-intelligence.dto.js';

@ApiTags('meetings')
@Controller('meetings/:meetingId/intelligence')
export class ShareIntelligenceController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @MeetingCommandRoute(
    'meeting:chair',
    'Record intelligence shared at the meeting, graded 3x5x2, and who it may go to',
  )
  @ApiCreatedResponse({ type: IntelligenceSharedResult })
  share(
    @Param() { meetingId }: MeetingIdParam,
    @Body() body: ShareIntelligenceBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<IntelligenceSharedResult> {
    return this.commands.execute(new ShareIntelligence(access, meetingId, body, expected));
  }
}
