import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReferralCommandBase, ReferralCommands } from '../referral/referral-command.js';
import type {
  AcceptReferralBody,
  AcknowledgeReferralBody,
  CloseReferralBody,
  DeclineReferralBody,
} from './respond-to-referral.dto.js';

/** The receiving organisation says it has the referral. */
export class AcknowledgeReferral extends ReferralCommandBase<AcknowledgeReferralBody> {}

/** The receiving organisation takes the referral on. */
export class AcceptReferral extends ReferralCommandBase<AcceptReferralBody> {}

/** The receiving organisation will not take the referral on, and says why. */
export class DeclineReferral extends ReferralCommandBase<DeclineReferralBody> {}

/** The receiving organisation ends its work on the referral, with the outcome and why. */
export class CloseReferral extends ReferralCommandBase<CloseReferralBody> {}

@CommandHandler(AcknowledgeReferral)
export class AcknowledgeReferralHandler implements ICommandHandler<AcknowledgeReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: AcknowledgeReferral) {
    return this.referrals.change(command, 'referral:respond', 'acknowledgedOn', () => ({
      kind: 'acknowledge',
    }));
  }
}

@CommandHandler(AcceptReferral)
export class AcceptReferralHandler implements ICommandHandler<AcceptReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: AcceptReferral) {
    return this.referrals.change(command, 'referral:respond', 'acceptedOn', () => ({
      kind: 'accept',
    }));
  }
}

@CommandHandler(DeclineReferral)
export class DeclineReferralHandler implements ICommandHandler<DeclineReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: DeclineReferral) {
    const { reason, explanation } = command.body;
    return this.referrals.change(command, 'referral:respond', 'declinedOn', async (seal) => ({
      kind: 'decline',
      reason,
      explanation: await seal(explanation),
    }));
  }
}

@CommandHandler(CloseReferral)
export class CloseReferralHandler implements ICommandHandler<CloseReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: CloseReferral) {
    const { outcome, reason, explanation } = command.body;
    return this.referrals.change(command, 'referral:respond', 'closedOn', async (seal) => ({
      kind: 'close',
      outcome,
      reason,
      explanation: explanation === undefined ? null : await seal(explanation),
    }));
  }
}

export const respondToReferralHandlers = [
  AcknowledgeReferralHandler,
  AcceptReferralHandler,
  DeclineReferralHandler,
  CloseReferralHandler,
];
