import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReferralCommandBase, ReferralCommands } from '../referral/referral-command.js';
import type { WithdrawReferralBody } from './withdraw-referral.dto.js';

/** The referring organisation takes its referral back, saying why. */
export class WithdrawReferral extends ReferralCommandBase<WithdrawReferralBody> {}

@CommandHandler(WithdrawReferral)
export class WithdrawReferralHandler implements ICommandHandler<WithdrawReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: WithdrawReferral) {
    const { reason, explanation } = command.body;
    return this.referrals.change(command, 'referral:withdraw', 'withdrawnOn', async (seal) => ({
      kind: 'withdraw',
      reason,
      explanation: await seal(explanation),
    }));
  }
}
