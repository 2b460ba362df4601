import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { DecisionRecordedResult, RecordDecisionBody } from './record-decision.dto.js';

/** Record a decision the meeting took. */
export class RecordDecision extends MeetingCommandBase<
  RecordDecisionBody,
  DecisionRecordedResult
> {}

@CommandHandler(RecordDecision)
export class RecordDecisionHandler implements ICommandHandler<RecordDecision> {
  constructor(private readonly records: RecordCommands) {}

  async execute(command: RecordDecision): Promise<DecisionRecordedResult> {
    const { factId: decisionId, body } = command;
    const change = {
      kind: 'record-decision',
      decisionId,
      threatId: body.threatId ?? null,
      text: body.text,
    } as const;
    const result = await changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'decidedOn',
      onMeetingDay: true,
    });
    return { ...result, decisionId };
  }
}
