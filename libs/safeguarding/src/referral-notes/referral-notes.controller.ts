import { Body, Controller, Param, Post } from '@nestjs/common';
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
import { ReferralIdParam } from '../referral/referral-params.dto.js';
import { AddReferralNote } from './referral-notes.command.js';
import { AddReferralNoteBody, ReferralNoteAddedResult } from './referral-notes.dto.js';

@ApiTags('safeguarding')
@Controller('referrals/:referralId')
export class ReferralNotesController {
  constructor(private readonly commands: CommandBus) {}

  @Post('notes')
  @ReferralCommandRoute(
    'referral:note',
    'Add a note to a referral your organisation made or received',
  )
  @ApiCreatedResponse({ type: ReferralNoteAddedResult })
  addNote(
    @Param() { referralId }: ReferralIdParam,
    @Body() body: AddReferralNoteBody,
    @IfMatch() expected: ExpectedVersion,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ): Promise<ReferralNoteAddedResult> {
    return this.commands.execute(new AddReferralNote(access, referralId, body, expected, purpose));
  }
}
