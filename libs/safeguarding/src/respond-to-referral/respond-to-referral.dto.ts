import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DECLINE_REASONS,
  type DeclineReason,
  REFERRAL_CLOSURE_REASONS,
  REFERRAL_OUTCOMES,
  type ReferralClosureReason,
  type ReferralOutcome,
} from '@soc/contracts';
import { BusinessDate, IsText } from '@soc/platform';
import { IsIn, IsOptional } from 'class-validator';

export class AcknowledgeReferralBody {
  @BusinessDate('When your organisation acknowledged the referral')
  acknowledgedOn?: string;
}

export class AcceptReferralBody {
  @BusinessDate('When your organisation took the referral on')
  acceptedOn?: string;
}

export class DeclineReferralBody {
  @ApiProperty({ enum: DECLINE_REASONS, example: 'threshold-not-met' })
  @IsIn(DECLINE_REASONS)
  reason!: DeclineReason;

  @ApiProperty({
    example: 'Known to early help; the family is engaging with the current plan',
    description: 'Why, for the referrer: personal data, sealed',
  })
  @IsText(5, 2000)
  explanation!: string;

  @BusinessDate('When your organisation declined the referral')
  declinedOn?: string;
}

export class CloseReferralBody {
  @ApiProperty({ enum: REFERRAL_OUTCOMES, example: 'successful' })
  @IsIn(REFERRAL_OUTCOMES)
  outcome!: ReferralOutcome;

  @ApiProperty({
    enum: REFERRAL_CLOSURE_REASONS,
    example: 'support-in-place',
    description: 'A reason that fits the outcome (422 otherwise)',
  })
  @IsIn(REFERRAL_CLOSURE_REASONS)
  reason!: ReferralClosureReason;

  @ApiPropertyOptional({
    example: 'Child protection plan agreed at conference',
    description: 'Personal data, sealed',
  })
  @IsOptional()
  @IsText(5, 2000)
  explanation?: string;

  @BusinessDate('When the referral was closed')
  closedOn?: string;
}
