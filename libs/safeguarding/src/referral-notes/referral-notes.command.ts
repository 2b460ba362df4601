import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AccessContext, ExpectedVersion } from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import { ReferralCommandBase, ReferralCommands } from '../referral/referral-command.js';
import type { AddReferralNoteBody, ReferralNoteAddedResult } from './referral-notes.dto.js';

/** Either side adds a note to the referral: personal data, sealed under its subject. */
export class AddReferralNote extends ReferralCommandBase<
  AddReferralNoteBody,
  ReferralNoteAddedResult
> {
  constructor(
    access: AccessContext,
    referralId: string,
    body: AddReferralNoteBody,
    expected: ExpectedVersion = {},
    purpose: string | null = null,
    readonly noteId: string = uuidv7(),
  ) {
    super(access, referralId, body, expected, purpose);
  }
}

@CommandHandler(AddReferralNote)
export class AddReferralNoteHandler implements ICommandHandler<AddReferralNote> {
  constructor(private readonly referrals: ReferralCommands) {}
  async execute(command: AddReferralNote): Promise<ReferralNoteAddedResult> {
    const { noteId, body } = command;
    const result = await this.referrals.change(
      command,
      'referral:note',
      'addedOn',
      async (seal) => ({ kind: 'add-note', noteId, text: await seal(body.text) }),
    );
    return { ...result, noteId };
  }
}
