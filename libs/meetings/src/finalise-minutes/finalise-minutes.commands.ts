import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { CorrectMinutesBody, FinaliseMinutesBody } from './finalise-minutes.dto.js';

/** The chair finalises the minutes: from then on the record changes only by corrections. */
export class FinaliseMinutes extends MeetingCommandBase<FinaliseMinutesBody> {}

/** A correction recorded beside finalised minutes. */
export class CorrectMinutes extends MeetingCommandBase<CorrectMinutesBody> {}

@CommandHandler(FinaliseMinutes)
export class FinaliseMinutesHandler implements ICommandHandler<FinaliseMinutes> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: FinaliseMinutes) {
    const change = { kind: 'finalise-minutes', summary: command.body.summary } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'finalisedOn',
    });
  }
}

@CommandHandler(CorrectMinutes)
export class CorrectMinutesHandler implements ICommandHandler<CorrectMinutes> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: CorrectMinutes) {
    const { factId: correctionId, body } = command;
    const change = { kind: 'correct-minutes', correctionId, correction: body.correction } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'correctedOn',
    });
  }
}

export const finaliseMinutesHandlers = [FinaliseMinutesHandler, CorrectMinutesHandler];
