import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ThreatCommandRoute as Command } from '../threat/threat-command.js';
import { AssessmentParams, ThreatIdParam } from '../threat/threat-params.dto.js';
import { ModerateAssessment, RecordAssessment } from './record-assessment.commands.js';
import {
  AssessmentRecordedResult,
  ModerateAssessmentBody,
  RecordAssessmentBody,
} from './record-assessment.dto.js';

@ApiTags('threats')
@Controller('threats/:threatId/assessments')
export class RecordAssessmentController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Command('assessment:record', 'Record a MoRiLE assessment; it stands unmoderated until moderated')
  @ApiCreatedResponse({ type: AssessmentRecordedResult })
  record(
    @Param() { threatId }: ThreatIdParam,
    @Body() body: RecordAssessmentBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<AssessmentRecordedResult> {
    return this.commands.execute(new RecordAssessment(access, threatId, body, expected));
  }

  @Post(':assessmentId/moderation')
  @HttpCode(200)
  @Command('assessment:moderate', 'Moderate the standing assessment, or return it with a reason')
  @ApiOkResponse({ type: CommandResult })
  moderate(
    @Param() params: AssessmentParams,
    @Body() body: ModerateAssessmentBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ModerateAssessment(access, params, body, expected));
  }
}
