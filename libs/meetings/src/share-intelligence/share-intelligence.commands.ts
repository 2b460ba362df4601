import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { personRef } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { IntelligenceSharedResult, ShareIntelligenceBody } from './share-intelligence.dto.js';

/** Record an item of intelligence shared at the meeting, graded 3x5x2. */
export class ShareIntelligence extends MeetingCommandBase<
  ShareIntelligenceBody,
  IntelligenceSharedResult
> {}

@CommandHandler(ShareIntelligence)
export class ShareIntelligenceHandler implements ICommandHandler<ShareIntelligence> {
  constructor(private readonly records: RecordCommands) {}

  async execute(command: ShareIntelligence): Promise<IntelligenceSharedResult> {
    const { factId: itemId, body } = command;
    const { source, intelligence, handling, conditions } = body.grading;
    const change = {
      kind: 'share-intelligence',
      itemId,
      threatId: body.threatId ?? null,
      summary: body.summary,
      grading: { source, intelligence, handling, conditions: conditions ?? null },
      mayGoTo: [...body.mayGoTo],
      sharedBy: personRef(body.sharedBy),
    } as const;
    const result = await changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'sharedOn',
      onMeetingDay: true,
    });
    return { ...result, itemId };
  }
}
