import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ReferralCommandRoute } from '../referral/referral-command.js';
import { ReferralIdParam } from '../referral/referral-params.dto.js';
import { EraseReferralSubject } from './erase-referral-subject.command.js';
import { EraseReferralSubjectBody } from './erase-referral-subject.dto.js';

@ApiTags('safeguarding')
@Controller('referrals/:referralId')
export class EraseReferralSubjectController {
  constructor(private readonly commands: CommandBus) {}

  @Post('subject-erasure')
  @HttpCode(200)
  @ReferralCommandRoute(
    'referral:erase',
    'Erase whom a referral your organisation made is about, at the end of retention (their key is destroyed)',
  )
  @ApiOkResponse({ type: CommandResult })
  erase(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: EraseReferralSubjectBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new EraseReferralSubject(access, referralId, body, expected));
  }
}
