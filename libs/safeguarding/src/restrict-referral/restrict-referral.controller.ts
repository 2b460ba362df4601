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
import { LiftReferralRestriction, RestrictReferral } from './restrict-referral.commands.js';
import { LiftReferralRestrictionBody, RestrictReferralBody } from './restrict-referral.dto.js';

@ApiTags('safeguarding')
@Controller('referrals/:referralId/restriction')
export class RestrictReferralController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(200)
  @ReferralCommandRoute(
    'referral:restrict',
    'Restrict a referral’s personal data instead of erasing it (DPA 2018, s. 47): then only auditors read it, and its subject cannot be erased',
  )
  @ApiOkResponse({ type: CommandResult })
  restrict(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: RestrictReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RestrictReferral(access, referralId, body, expected, purpose));
  }

  @Post('lifting')
  @HttpCode(200)
  @ReferralCommandRoute('referral:restrict', 'Lift the restriction of a referral’s personal data')
  @ApiOkResponse({ type: CommandResult })
  lift(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: LiftReferralRestrictionBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(
      new LiftReferralRestriction(access, referralId, body, expected, purpose),
    );
  }
}
