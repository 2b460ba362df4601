import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult } from '@soc/event-store';
import { type AccessContext, type ExpectedVersion, RecordCommands } from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import { changeThreat, ThreatCommandBase } from '../threat/threat-command.js';
import type {
  AssessmentRecordedResult,
  ModerateAssessmentBody,
  RecordAssessmentBody,
} from './record-assessment.dto.js';

/** Record a MoRiLE assessment; it stands unmoderated until moderated. */
export class RecordAssessment extends ThreatCommandBase<
  RecordAssessmentBody,
  AssessmentRecordedResult
> {
  constructor(
    access: AccessContext,
    threatId: string,
    body: RecordAssessmentBody,
    expected: ExpectedVersion = {},
    readonly assessmentId: string = uuidv7(),
  ) {
    super(access, threatId, body, expected);
  }
}

/** Moderate the standing assessment, or return it with a reason. */
export class ModerateAssessment extends ThreatCommandBase<ModerateAssessmentBody> {
  constructor(
    access: AccessContext,
    { threatId, assessmentId }: { threatId: string; assessmentId: string },
    body: ModerateAssessmentBody,
    expected: ExpectedVersion = {},
  ) {
    super(access, threatId, body, expected);
    this.assessmentId = assessmentId;
  }
  readonly assessmentId: string;
}

@CommandHandler(RecordAssessment)
export class RecordAssessmentHandler implements ICommandHandler<RecordAssessment> {
  constructor(private readonly records: RecordCommands) {}

  async execute(command: RecordAssessment): Promise<AssessmentRecordedResult> {
    const { assessmentId, body } = command;
    const { scores, outputs } = body;
    const change = {
      kind: 'record-assessment',
      assessmentId,
      modelVersion: body.modelVersion,
      scores: {
        harm: scores.harm,
        likelihood: scores.likelihood,
        confidence: scores.confidence,
        capacity: scores.capacity,
        capability: scores.capability,
      },
      outputs: {
        totalScore: outputs.totalScore,
        priority: outputs.priority,
        opportunity: outputs.opportunity,
      },
      assessedOn: body.assessedOn,
      intelligenceDate: body.intelligenceDate,
      rationale: body.rationale,
    } as const;
    const result = await changeThreat(
      this.records,
      command,
      'assessment:record',
      change,
      'assessedOn',
    );
    return { ...result, assessmentId };
  }
}

@CommandHandler(ModerateAssessment)
export class ModerateAssessmentHandler implements ICommandHandler<ModerateAssessment> {
  constructor(private readonly records: RecordCommands) {}

  execute(command: ModerateAssessment): Promise<CommandResult> {
    const { assessmentId, body } = command;
    const change =
      body.decision === 'moderated'
        ? ({ kind: 'moderate-assessment', assessmentId, note: body.note } as const)
        : ({ kind: 'return-assessment', assessmentId, reason: body.note.trim() } as const);
    return changeThreat(this.records, command, 'assessment:moderate', change, 'moderatedOn');
  }
}

export const recordAssessmentHandlers = [RecordAssessmentHandler, ModerateAssessmentHandler];
