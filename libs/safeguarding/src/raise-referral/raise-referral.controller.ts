import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import {
  Access,
  type AccessContext,
  type ExpectedVersion,
  IfMatch,
  StatedPurpose,
} from '@soc/security';
import { ReferralCommandRoute } from '../referral/referral-command.js';
import { RaiseReferral } from './raise-referral.command.js';
import { RaiseReferralBody, ReferralRaisedResult } from './raise-referral.dto.js';

@ApiTags('safeguarding')
@Controller('referrals')
export class RaiseReferralController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ReferralCommandRoute(
    'referral:raise',
    'Raise a safeguarding referral from your organisation to the one that must act',
  )
  @ApiCreatedResponse({ type: ReferralRaisedResult })
  raise(
    @Body() body: RaiseReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<ReferralRaisedResult> {
    return this.commands.execute(new RaiseReferral(access, body, expected, purpose));
  }
}
