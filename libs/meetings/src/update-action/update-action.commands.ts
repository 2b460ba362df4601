import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  PartnerActionCommandBase,
  PartnerActionCommands,
} from '../partner-action/partner-action-command.js';
import type { CloseActionBody, CompleteActionBody, PostProgressBody } from './update-action.dto.js';

/** The lead organisation posts a dated update on its action. */
export class PostActionProgress extends PartnerActionCommandBase<PostProgressBody> {}

/** The lead organisation completes its action, with the outcome. */
export class CompletePartnerAction extends PartnerActionCommandBase<CompleteActionBody> {}

/** The lead organisation ends its action uncompleted, saying which kind of reason and why. */
export class ClosePartnerAction extends PartnerActionCommandBase<CloseActionBody> {}

@CommandHandler(PostActionProgress)
export class PostActionProgressHandler implements ICommandHandler<PostActionProgress> {
  constructor(private readonly actions: PartnerActionCommands) {}
  execute(command: PostActionProgress) {
    const change = { kind: 'post-progress', note: command.body.note } as const;
    return this.actions.change(command, 'lead', change, 'progressOn');
  }
}

@CommandHandler(CompletePartnerAction)
export class CompletePartnerActionHandler implements ICommandHandler<CompletePartnerAction> {
  constructor(private readonly actions: PartnerActionCommands) {}
  execute(command: CompletePartnerAction) {
    const change = { kind: 'complete', outcome: command.body.outcome } as const;
    return this.actions.change(command, 'lead', change, 'completedOn');
  }
}

@CommandHandler(ClosePartnerAction)
export class ClosePartnerActionHandler implements ICommandHandler<ClosePartnerAction> {
  constructor(private readonly actions: PartnerActionCommands) {}
  execute(command: ClosePartnerAction) {
    const { reason, explanation } = command.body;
    const change = { kind: 'close', reason, explanation } as const;
    return this.actions.change(command, 'lead', change, 'closedOn');
  }
}

export const updateActionHandlers = [
  PostActionProgressHandler,
  CompletePartnerActionHandler,
  ClosePartnerActionHandler,
];
