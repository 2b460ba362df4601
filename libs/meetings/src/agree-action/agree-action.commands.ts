import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { personRef } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import { agreeingMeetings } from '../partner-action/partner-action-record.js';
import type { ActionAgreedResult, AgreeActionBody } from './agree-action.dto.js';

/** Record an action the meeting agreed, led by one invited organisation. */
export class AgreePartnerAction extends MeetingCommandBase<AgreeActionBody, ActionAgreedResult> {}

/**
 * One append, to the meeting: the action's own stream starts empty (its state begins with what
 * the meeting agreed), so a refusal leaves nothing anywhere.
 */
@CommandHandler(AgreePartnerAction)
export class AgreePartnerActionHandler implements ICommandHandler<AgreePartnerAction> {
  constructor(private readonly records: RecordCommands) {}

  async execute(command: AgreePartnerAction): Promise<ActionAgreedResult> {
    const { factId: actionId, body } = command;
    const change = {
      kind: 'agree-action',
      actionId,
      threatId: body.threatId,
      category: body.category,
      description: body.description,
      leadOrganisationId: body.leadOrganisationId,
      supportingOrganisationIds: [...body.supportingOrganisationIds],
      pointOfContact: personRef(body.pointOfContact),
      dueDate: body.dueDate,
    } as const;
    const result = await changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'agreedOn',
      onMeetingDay: true,
      kind: agreeingMeetings,
    });
    return { ...result, actionId };
  }
}
