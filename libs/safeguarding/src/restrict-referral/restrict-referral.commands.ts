import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReferralCommandBase, ReferralCommands } from '../referral/referral-command.js';
import type { LiftReferralRestrictionBody, RestrictReferralBody } from './restrict-referral.dto.js';

/** Restrict a referral's personal data instead of erasing it (DPA 2018, s. 47). */
export class RestrictReferral extends ReferralCommandBase<RestrictReferralBody> {}

/** End a referral's restriction before its last day. */
export class LiftReferralRestriction extends ReferralCommandBase<LiftReferralRestrictionBody> {}

/** A restriction is recorded as made: its only date is its last day. */
const NO_BUSINESS_DATE = null;

@CommandHandler(RestrictReferral)
export class RestrictReferralHandler implements ICommandHandler<RestrictReferral> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: RestrictReferral) {
    const { ground, until, explanation } = command.body;
    return this.referrals.change(command, 'referral:restrict', NO_BUSINESS_DATE, async (seal) => ({
      kind: 'restrict',
      ground,
      until,
      explanation: await seal(explanation),
    }));
  }
}

@CommandHandler(LiftReferralRestriction)
export class LiftReferralRestrictionHandler implements ICommandHandler<LiftReferralRestriction> {
  constructor(private readonly referrals: ReferralCommands) {}
  execute(command: LiftReferralRestriction) {
    return this.referrals.change(command, 'referral:restrict', NO_BUSINESS_DATE, async (seal) => ({
      kind: 'lift-restriction',
      explanation: await seal(command.body.explanation),
    }));
  }
}

export const restrictReferralHandlers = [RestrictReferralHandler, LiftReferralRestrictionHandler];
