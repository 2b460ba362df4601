import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONCERN_CATEGORIES,
  CONSENT_GIVERS,
  type ConcernCategory,
  type ConsentGivenBy,
  LAWFUL_BASES,
  type LawfulBasis,
  REFERRAL_URGENCIES,
  type ReferralUrgency,
} from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import {
  BusinessDate,
  IsCalendarDate,
  IsSlug,
  IsText,
  PersonRefBody,
  ValidPersonRef,
} from '@soc/platform';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class SubjectIdentifierBody {
  @ApiProperty({ example: 'nhs-number', description: 'What kind of identifier it is' })
  @IsText(2, 50)
  kind!: string;

  @ApiProperty({ example: '943 476 5919' })
  @IsText(1, 100)
  value!: string;
}

/** Whom the referral is about: every field is personal data, sealed under the subject's key. */
export class ReferralSubjectBody {
  @ApiProperty({ example: 'Jordan' })
  @IsText(1, 100)
  givenName!: string;

  @ApiProperty({ example: 'Smith' })
  @IsText(1, 100)
  familyName!: string;

  @ApiPropertyOptional({ type: [String], example: ['JJ'], description: 'Other names used' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  alsoKnownAs?: string[];

  @ApiPropertyOptional({ example: '2011-04-02', format: 'date' })
  @IsOptional()
  @IsCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ example: '14 Oxford Road, Hartlepool TS24 8AA' })
  @IsOptional()
  @IsText(3, 500)
  address?: string;

  @ApiPropertyOptional({ type: [SubjectIdentifierBody] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => SubjectIdentifierBody)
  otherIdentifiers?: SubjectIdentifierBody[];
}

export class ConsentBody {
  @ApiProperty({ enum: CONSENT_GIVERS, example: 'parent-or-guardian' })
  @IsIn(CONSENT_GIVERS)
  givenBy!: ConsentGivenBy;

  @ApiProperty({ example: '2026-11-20', format: 'date' })
  @IsCalendarDate()
  givenOn!: string;
}

export class RaiseReferralBody {
  @ApiProperty({
    type: PersonRefBody,
    description: 'The referring officer: a person of your organisation, which holds the referral',
  })
  @ValidPersonRef()
  referrer!: PersonRefBody;

  @ApiProperty({ example: 'hartlepool-childrens-services', description: 'Who must act' })
  @IsSlug()
  receivingOrganisationId!: string;

  @ApiProperty({
    format: 'uuid',
    example: '0197c1f0-0000-7000-8000-000000000001',
    description: 'The threat whose work found the person at risk',
  })
  @IsUUID()
  threatId!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0197c1f4-0000-7111-8222-333344445555',
    description:
      'The protect action of the threat’s plan the referral is raised from: the plan then shows the referral’s status and category',
  })
  @IsOptional()
  @IsUUID()
  planActionId?: string;

  @ApiProperty({ type: ReferralSubjectBody })
  @IsObject()
  @ValidateNested()
  @Type(() => ReferralSubjectBody)
  subject!: ReferralSubjectBody;

  @ApiProperty({ enum: CONCERN_CATEGORIES, isArray: true, example: ['county-lines'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(CONCERN_CATEGORIES.length)
  @ArrayUnique()
  @IsIn(CONCERN_CATEGORIES, { each: true })
  concerns!: ConcernCategory[];

  @ApiProperty({
    example: 'Seen three times this month at the Oxford Road address with older males',
    description: 'What was seen and why it worries you: personal data, sealed',
  })
  @IsText(10, 5000)
  account!: string;

  @ApiProperty({ enum: REFERRAL_URGENCIES, example: 'immediate' })
  @IsIn(REFERRAL_URGENCIES)
  urgency!: ReferralUrgency;

  @ApiPropertyOptional({
    enum: LAWFUL_BASES,
    example: 'children-act-2004-s11',
    description: 'The law the disclosure rests on; give it or consent, not both',
  })
  @ValidateIf((body: RaiseReferralBody) => body.consent === undefined)
  @IsIn(LAWFUL_BASES)
  lawfulBasis?: LawfulBasis;

  @ApiPropertyOptional({ type: ConsentBody, description: 'The consent the disclosure rests on' })
  @ValidateIf((body: RaiseReferralBody) => body.lawfulBasis === undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentBody)
  consent?: ConsentBody;

  @BusinessDate('When the concern was referred')
  raisedOn?: string;
}

export class ReferralRaisedResult extends CommandResult {
  @ApiProperty({ example: '0197e000-0000-7000-8000-000000000001', format: 'uuid' })
  referralId!: string;
}
