import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccessContext, ExpectedVersion } from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import {
  PartnerActionCommandBase,
  PartnerActionCommands,
} from '../partner-action/partner-action-command.js';
import type {
  DecideDueDateBody,
  DueDateRequestedResult,
  RequestDueDateBody,
} from './due-date-requests.dto.js';

/** The lead organisation asks the chair for a new due date. */
export class RequestDueDate extends PartnerActionCommandBase<
  RequestDueDateBody,
  DueDateRequestedResult
> {
  constructor(
    access: AccessContext,
    actionId: string,
    body: RequestDueDateBody,
    expected: ExpectedVersion = {},
    readonly requestId: string = uuidv7(),
  ) {
    super(access, actionId, body, expected);
  }
}

/** The meeting's chair grants or refuses the request waiting on an action. */
export class DecideDueDate extends PartnerActionCommandBase<DecideDueDateBody> {
  constructor(
    access: AccessContext,
    { actionId, requestId }: { actionId: string; requestId: string },
    body: DecideDueDateBody,
    expected: ExpectedVersion = {},
  ) {
    super(access, actionId, body, expected);
    this.requestId = requestId;
  }
  readonly requestId: string;
}

@CommandHandler(RequestDueDate)
export class RequestDueDateHandler implements ICommandHandler<RequestDueDate> {
  constructor(private readonly actions: PartnerActionCommands) {}

  async execute(command: RequestDueDate): Promise<DueDateRequestedResult> {
    const { requestId, body } = command;
    const change = {
      kind: 'request-due-date',
      requestId,
      dueDate: body.dueDate,
      reason: body.reason,
    } as const;
    const result = await this.actions.change(command, 'lead', change, 'requestedOn');
    return { ...result, requestId };
  }
}

@CommandHandler(DecideDueDate)
export class DecideDueDateHandler implements ICommandHandler<DecideDueDate> {
  constructor(private readonly actions: PartnerActionCommands) {}

  execute(command: DecideDueDate) {
    const { requestId, body } = command;
    const change =
      body.decision === 'granted'
        ? ({ kind: 'grant-due-date', requestId: requestId.toLowerCase() } as const)
        : ({
            kind: 'refuse-due-date',
            requestId: requestId.toLowerCase(),
            reason: body.reason ?? '',
          } as const);
    return this.actions.change(command, 'chair', change, 'decidedOn');
  }
}

export const dueDateRequestHandlers = [RequestDueDateHandler, DecideDueDateHandler];
