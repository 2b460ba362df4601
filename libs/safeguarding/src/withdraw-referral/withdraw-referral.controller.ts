import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  type ExpectedVersion,
  IfMatch,
  StatedPurpose,
} from '@soc/security';
import { ReferralCommandRoute } from '../referral/referral-command.js';
import { ReferralIdParam } from '../referral/referral-params.dto.js';
import { WithdrawReferral } from './withdraw-referral.command.js';
import { WithdrawReferralBody } from './withdraw-referral.dto.js';

@ApiTags('safeguarding')
@Controller('referrals/:referralId')
export class WithdrawReferralController {
  constructor(private readonly commands: CommandBus) {}

  @Post('withdrawal')
  @HttpCode(200)
  @ReferralCommandRoute('referral:withdraw', 'Withdraw a referral your organisation made')
  @ApiOkResponse({ type: CommandResult })
  withdraw(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: WithdrawReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new WithdrawReferral(access, referralId, body, expected, purpose));
  }
}
