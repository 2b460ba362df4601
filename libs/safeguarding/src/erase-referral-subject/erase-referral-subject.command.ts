import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandResult, EVENT_STORE_POOL } from '@soc/event-store';
import { PersonalDataAccessLog, RecordCommands, SubjectKeyStore } from '@soc/security';
import type { Pool } from 'pg';
import { actorOf, ReferralCommandBase } from '../referral/referral-command.js';
import { referrals } from '../referral/referral-record.js';
import type { EraseReferralSubjectBody } from './erase-referral-subject.dto.js';

/** Erase whom a referral is about at the end of retention: their key is destroyed. */
export class EraseReferralSubject extends ReferralCommandBase<EraseReferralSubjectBody> {}

/**
 * Appends the erasure, then destroys the subject's key, then logs the erasure: a retry after a
 * failure finds the event, appends nothing and destroys the key again.
 */
@CommandHandler(EraseReferralSubject)
export class EraseReferralSubjectHandler implements ICommandHandler<EraseReferralSubject> {
  constructor(
    private readonly records: RecordCommands,
    private readonly keys: SubjectKeyStore,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async execute(command: EraseReferralSubject): Promise<CommandResult> {
    const { access, referralId, body, expected } = command;
    const referral = await this.records.authorise(access, referrals, referralId, 'referral:erase');
    const { subjectId } = referral.state;
    const result = await this.records.decide(
      access,
      referrals,
      referral,
      ({ today }) => ({
        kind: 'erase-subject' as const,
        referralId,
        actor: actorOf(access),
        reason: body.reason,
        today,
      }),
      { expected },
    );
    await this.keys.erase(subjectId, { ...access.principal, reason: body.reason });
    const erasure = { recordType: 'referral', recordId: referralId, subjectIds: [subjectId] };
    await this.accessLog.record(
      this.pool,
      access,
      [{ operation: 'erasure', ...erasure }],
      body.reason,
    );
    return result;
  }
}
