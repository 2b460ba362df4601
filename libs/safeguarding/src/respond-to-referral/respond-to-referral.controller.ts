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
import {
  AcceptReferral,
  AcknowledgeReferral,
  CloseReferral,
  DeclineReferral,
} from './respond-to-referral.commands.js';
import {
  AcceptReferralBody,
  AcknowledgeReferralBody,
  CloseReferralBody,
  DeclineReferralBody,
} from './respond-to-referral.dto.js';

/** The receiving organisation's answers to a referral made to it. */
@ApiTags('safeguarding')
@Controller('referrals/:referralId')
export class RespondToReferralController {
  constructor(private readonly commands: CommandBus) {}

  @Post('acknowledgement')
  @HttpCode(200)
  @ReferralCommandRoute('referral:respond', 'Acknowledge a referral made to your organisation')
  @ApiOkResponse({ type: CommandResult })
  acknowledge(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: AcknowledgeReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new AcknowledgeReferral(access, referralId, body, expected));
  }

  @Post('acceptance')
  @HttpCode(200)
  @ReferralCommandRoute('referral:respond', 'Take on a referral made to your organisation')
  @ApiOkResponse({ type: CommandResult })
  accept(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: AcceptReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new AcceptReferral(access, referralId, body, expected));
  }

  @Post('declination')
  @HttpCode(200)
  @ReferralCommandRoute(
    'referral:respond',
    'Decline a referral made to your organisation, with the reason and why',
  )
  @ApiOkResponse({ type: CommandResult })
  decline(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: DeclineReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new DeclineReferral(access, referralId, body, expected, purpose));
  }

  @Post('closure')
  @HttpCode(200)
  @ReferralCommandRoute(
    'referral:respond',
    'Close a referral your organisation took on: successful or not, and why',
  )
  @ApiOkResponse({ type: CommandResult })
  close(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: CloseReferralBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new CloseReferral(access, referralId, body, expected, purpose));
  }
}
