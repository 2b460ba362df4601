import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DisclosureBasis, ReferralSubject } from '@soc/contracts';
import { RuleViolationError } from '@soc/event-store';
import { personRef } from '@soc/platform';
import {
  type AccessContext,
  enforce,
  type ExpectedVersion,
  PersonalDataCipher,
  RecordCommands,
} from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import { actorOf, ReferralCommands } from '../referral/referral-command.js';
import { referrals } from '../referral/referral-record.js';
import type {
  RaiseReferralBody,
  ReferralRaisedResult,
  ReferralSubjectBody,
} from './raise-referral.dto.js';

/** Raise a safeguarding referral to the organisation that must act. */
export class RaiseReferral extends Command<ReferralRaisedResult> {
  constructor(
    readonly access: AccessContext,
    readonly body: RaiseReferralBody,
    readonly expected: ExpectedVersion = {},
    /** Why the personal data is collected (X-Purpose), for the access log. */
    readonly purpose: string | null = null,
    readonly referralId: string = uuidv7(),
    readonly subjectId: string = `subject:${uuidv7()}`,
  ) {
    super();
  }
}

function disclosureBasisOf({ lawfulBasis, consent }: RaiseReferralBody): DisclosureBasis {
  if (lawfulBasis && consent) {
    throw new RuleViolationError('Give the lawful basis of the disclosure or consent, not both');
  }
  return consent
    ? { kind: 'consent', givenBy: consent.givenBy, givenOn: consent.givenOn }
    : { kind: 'lawful-basis', basis: lawfulBasis! };
}

/**
 * Seals the subject's names, date of birth, address, identifiers and the account of the concern
 * under a subject of the referral's own (erasable on its own), appends, then logs the collection.
 */
@CommandHandler(RaiseReferral)
export class RaiseReferralHandler implements ICommandHandler<RaiseReferral> {
  constructor(
    private readonly records: RecordCommands,
    private readonly cipher: PersonalDataCipher,
    private readonly shell: ReferralCommands,
  ) {}

  async execute(command: RaiseReferral): Promise<ReferralRaisedResult> {
    const { access, body, expected, purpose, referralId, subjectId } = command;
    const referrer = personRef(body.referrer);
    enforce(
      access.principal,
      'referral:raise',
      { type: 'referral', id: referralId, ownerOrganisationId: referrer.organisationId },
      { existenceIsPublic: true },
    );
    const disclosureBasis = disclosureBasisOf(body);
    const subject = await this.sealSubject(subjectId, body.subject);
    const account = await this.cipher.seal(subjectId, body.account);
    const result = await this.records.create(
      access,
      referrals,
      referralId,
      () => ({
        kind: 'raise' as const,
        referralId,
        actor: actorOf(access),
        referrer,
        threatId: body.threatId.toLowerCase(),
        planActionId: body.planActionId?.toLowerCase() ?? null,
        subject,
        concerns: [...body.concerns],
        account,
        urgency: body.urgency,
        receivingOrganisationId: body.receivingOrganisationId,
        disclosureBasis,
      }),
      { expected, on: body.raisedOn, dateField: 'raisedOn' },
    );
    await this.shell.logCollection(access, referralId, subjectId, purpose);
    return { ...result, referralId };
  }

  private async sealSubject(
    subjectId: string,
    body: ReferralSubjectBody,
  ): Promise<ReferralSubject> {
    const seal = (value: unknown) => this.cipher.seal(subjectId, value);
    const optional = (value: unknown) => (value === undefined ? null : seal(value));
    const names = await seal({
      given: body.givenName,
      family: body.familyName,
      alsoKnownAs: body.alsoKnownAs ?? [],
    });
    const [dateOfBirth, address, otherIdentifiers] = await Promise.all([
      optional(body.dateOfBirth),
      optional(body.address),
      optional(body.otherIdentifiers?.map(({ kind, value }) => ({ kind, value }))),
    ]);
    return { subjectId, names, dateOfBirth, address, otherIdentifiers };
  }
}
