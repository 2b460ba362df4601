import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { EraseReferralSubjectController } from './erase-referral-subject/erase-referral-subject.controller.js';
import { EraseReferralSubjectHandler } from './erase-referral-subject/erase-referral-subject.command.js';
import { RaiseReferralController } from './raise-referral/raise-referral.controller.js';
import { RaiseReferralHandler } from './raise-referral/raise-referral.command.js';
import { ReferralCommands } from './referral/referral-command.js';
import { referralDeadlineProviders } from './referral-deadlines/referral-deadlines.providers.js';
import { ReferralListsController } from './referral-lists/referral-lists.controller.js';
import { referralListHandlers } from './referral-lists/referral-lists.query.js';
import { ReferralDetailController } from './referral-detail/referral-detail.controller.js';
import { GetReferralHandler } from './referral-detail/referral-detail.query.js';
import { ReferralNotesController } from './referral-notes/referral-notes.controller.js';
import { AddReferralNoteHandler } from './referral-notes/referral-notes.command.js';
import { ReferralViewReader } from './referrals-projection/referral-view-reader.js';
import { RestrictReferralController } from './restrict-referral/restrict-referral.controller.js';
import { restrictReferralHandlers } from './restrict-referral/restrict-referral.commands.js';
import { RespondToReferralController } from './respond-to-referral/respond-to-referral.controller.js';
import { respondToReferralHandlers } from './respond-to-referral/respond-to-referral.commands.js';
import { WithdrawReferralController } from './withdraw-referral/withdraw-referral.controller.js';
import { WithdrawReferralHandler } from './withdraw-referral/withdraw-referral.command.js';

/**
 * Safeguarding referrals: raised by one organisation to the one that must act, acknowledged,
 * accepted or declined, withdrawn, noted and closed; whom they are about sealed under the
 * subject's key and opened only for the safeguarding officers of both sides and auditors.
 */
@Module({
  controllers: [
    RaiseReferralController,
    RespondToReferralController,
    WithdrawReferralController,
    ReferralNotesController,
    ReferralDetailController,
    ReferralListsController,
    EraseReferralSubjectController,
    RestrictReferralController,
  ],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    RecordCommands,
    ReferralCommands,
    RaiseReferralHandler,
    ...respondToReferralHandlers,
    WithdrawReferralHandler,
    AddReferralNoteHandler,
    ReferralViewReader,
    GetReferralHandler,
    ...referralListHandlers,
    ...referralDeadlineProviders,
    EraseReferralSubjectHandler,
    ...restrictReferralHandlers,
  ],
})
export class SafeguardingModule {}
