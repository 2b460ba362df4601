import { Inject, Injectable } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import type { SealedPersonalData } from '@soc/contracts';
import { type CommandResult, EVENT_STORE_POOL } from '@soc/event-store';
import {
  type AccessContext,
  CommandRoute,
  type ExpectedVersion,
  PersonalDataAccessLog,
  PersonalDataCipher,
  type Permission,
  RecordCommands,
} from '@soc/security';
import type { Pool } from 'pg';
import type { ReferralCommand } from './referral.decide.js';
import { referrals } from './referral-record.js';

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A decision on a raised referral, without what the shell adds: the referral, actor and today. */
export type ReferralChange = DistributiveOmit<
  Exclude<ReferralCommand, { kind: 'raise' }>,
  'referralId' | 'actor' | 'today'
>;

/** Seals a personal value under the referral's subject. */
export type Seal = (value: unknown) => Promise<SealedPersonalData>;

/** Why personal data was collected, when the caller does not say (X-Purpose). */
export const DEFAULT_COLLECTION_PURPOSE = 'recorded on a safeguarding referral';

/**
 * A command on one referral as a route hands it over: who asks, which referral, what they sent,
 * the stream version they last saw, and why they record personal data (X-Purpose), if they say.
 */
export abstract class ReferralCommandBase<TBody, TResult = CommandResult> extends Command<TResult> {
  constructor(
    readonly access: AccessContext,
    readonly referralId: string,
    readonly body: TBody,
    readonly expected: ExpectedVersion = {},
    readonly purpose: string | null = null,
  ) {
    super();
  }
}

export const actorOf = ({ principal }: AccessContext) => ({
  personId: principal.personId,
  organisationId: principal.organisationId,
});

/**
 * The shell every command on a raised referral runs in: load it (404 unless the caller's
 * organisation refers or receives it), check `permission`, seal what the change records under the
 * referral's subject, decide at the caller's If-Match, dated by the body's `dateField`, and log
 * the collection of what was sealed.
 */
@Injectable()
export class ReferralCommands {
  constructor(
    private readonly records: RecordCommands,
    private readonly cipher: PersonalDataCipher,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async change<TBody extends object>(
    { access, referralId, body, expected, purpose }: ReferralCommandBase<TBody, unknown>,
    permission: Permission,
    /** The body's business date of the fact (default today); null when it is recorded as made. */
    dateField: (keyof TBody & string) | null,
    build: (seal: Seal) => ReferralChange | Promise<ReferralChange>,
  ): Promise<CommandResult> {
    const referral = await this.records.authorise(access, referrals, referralId, permission);
    const { subjectId } = referral.state;
    let sealedAny = false;
    const change = await build((value) => {
      sealedAny = true;
      return this.cipher.seal(subjectId, value);
    });
    const result = await this.records.decide(
      access,
      referrals,
      referral,
      ({ today }) => ({ ...change, referralId, actor: actorOf(access), today }) as ReferralCommand,
      dateField ? { expected, on: body[dateField] as string | undefined, dateField } : { expected },
    );
    if (sealedAny) await this.logCollection(access, referralId, subjectId, purpose);
    return result;
  }

  /** Logs that personal data of the subject was recorded on the referral (DPA 2018, s. 62). */
  logCollection(
    access: AccessContext,
    referralId: string,
    subjectId: string,
    purpose: string | null,
  ): Promise<void> {
    const collection = {
      operation: 'collection' as const,
      recordType: 'referral',
      recordId: referralId,
      subjectIds: [subjectId],
      disclosedTo: null,
    };
    return this.accessLog.record(
      this.pool,
      access,
      [collection],
      purpose ?? DEFAULT_COLLECTION_PURPOSE,
    );
  }
}

/** A command route on a referral; its 404 is a referral the caller's organisation is no party to. */
export const ReferralCommandRoute = (permission: Permission, summary: string) =>
  CommandRoute(permission, summary, {
    notFound: 'No such referral, or one your organisation neither made nor received',
  });
