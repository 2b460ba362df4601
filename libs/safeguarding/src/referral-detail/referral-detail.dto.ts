import { ApiProperty } from '@nestjs/swagger';
import { RESTRICTION_GROUNDS, type RestrictionGround } from '@soc/contracts';
import { ReferralSummaryWithDeadlineView } from '../referrals-projection/referral-summary.dto.js';

const personal = (example: unknown) => ({ nullable: true, example });

export class SubjectIdentifierView {
  @ApiProperty({ example: 'nhs-number' }) kind!: string;
  @ApiProperty({ example: '943 476 5919' }) value!: string;
}

export class ReferralNoteView {
  @ApiProperty({ example: '0197e000-0000-7000-8000-0000000000aa' }) noteId!: string;
  @ApiProperty({ example: 'hartlepool-cs-1' }) addedByPersonId!: string;
  @ApiProperty({ example: 'hartlepool-childrens-services' }) addedByOrganisationId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T14:00:00.000Z' }) addedAt!: string;
  @ApiProperty({ type: String, ...personal('Strategy discussion held with school') })
  text!: string | null;
}

/**
 * Whom the referral is about and what was recorded of them. A field is null when it was not given,
 * or when the subject was erased (then `erased` is true).
 */
export class ReferralPersonalDataView {
  @ApiProperty({ example: 'subject:0197e000-0000-7000-8000-0000000000ff' }) subjectId!: string;
  @ApiProperty({ example: false, description: 'The subject’s data was erased' }) erased!: boolean;
  @ApiProperty({ type: String, ...personal('Jordan') }) givenName!: string | null;
  @ApiProperty({ type: String, ...personal('Smith') }) familyName!: string | null;
  @ApiProperty({ type: [String], example: ['JJ'] }) alsoKnownAs!: string[];
  @ApiProperty({ type: String, format: 'date', ...personal('2011-04-02') })
  dateOfBirth!: string | null;
  @ApiProperty({ type: String, ...personal('14 Oxford Road, Hartlepool TS24 8AA') })
  address!: string | null;
  @ApiProperty({ type: [SubjectIdentifierView] }) otherIdentifiers!: SubjectIdentifierView[];
  @ApiProperty({ type: String, ...personal('Seen three times this month with older males') })
  account!: string | null;
  @ApiProperty({ type: String, ...personal(null) }) declineExplanation!: string | null;
  @ApiProperty({ type: String, ...personal(null) }) withdrawalExplanation!: string | null;
  @ApiProperty({ type: String, ...personal(null) }) closureExplanation!: string | null;
  @ApiProperty({ type: [ReferralNoteView] }) notes!: ReferralNoteView[];
  @ApiProperty({ type: String, ...personal(null), description: 'What a restriction keeps it for' })
  restrictionExplanation!: string | null;
}

/** A restriction that stands: shown to every reader, so each knows why they see no one. */
export class ReferralRestrictionView {
  @ApiProperty({ enum: RESTRICTION_GROUNDS, example: 'kept-as-evidence' })
  ground!: RestrictionGround;
  @ApiProperty({ format: 'date', example: '2027-06-30', description: 'Its last day' })
  until!: string;
  @ApiProperty({ example: 'cleveland-admin-1' }) restrictedByPersonId!: string;
  @ApiProperty({ example: 'cleveland-police' }) restrictedByOrganisationId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T14:00:00.000Z' })
  restrictedAt!: string;
}

export class ReferralDisclosureBasisView {
  @ApiProperty({ enum: ['consent', 'lawful-basis'], example: 'lawful-basis' }) kind!: string;
  @ApiProperty({ required: false, example: 'children-act-2004-s11' }) basis?: string;
  @ApiProperty({ required: false, example: 'parent-or-guardian' }) givenBy?: string;
  @ApiProperty({ required: false, example: '2026-11-20' }) givenOn?: string;
}

/** A referral as the caller may see it: personal data only for whom the policy allows. */
export class ReferralView extends ReferralSummaryWithDeadlineView {
  @ApiProperty({ type: ReferralDisclosureBasisView })
  disclosureBasis!: ReferralDisclosureBasisView;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '0197c1f4-0000-7111-8222-333344445555',
    description: 'The protect action of the threat’s plan the referral was raised from',
  })
  planActionId!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description:
      'When whom the referral is about was erased (end of retention): shown to every reader',
  })
  subjectErasedAt!: string | null;

  @ApiProperty({
    type: ReferralRestrictionView,
    nullable: true,
    description:
      'The restriction of the personal data (DPA 2018, s. 47), while it stands: then only auditors get personalData',
  })
  restriction!: ReferralRestrictionView | null;

  @ApiProperty({
    type: ReferralPersonalDataView,
    nullable: true,
    description:
      'Only for safeguarding officers of the referring and receiving organisations and auditors, with X-Purpose; while the referral is restricted, only for auditors; null for everyone else',
  })
  personalData!: ReferralPersonalDataView | null;
}
