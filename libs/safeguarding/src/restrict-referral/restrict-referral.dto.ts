import { ApiProperty } from '@nestjs/swagger';
import { RESTRICTION_GROUNDS, type RestrictionGround } from '@soc/contracts';
import { IsCalendarDate, IsText } from '@soc/platform';
import { IsIn } from 'class-validator';

export class RestrictReferralBody {
  @ApiProperty({ enum: RESTRICTION_GROUNDS, example: 'kept-as-evidence' })
  @IsIn(RESTRICTION_GROUNDS)
  ground!: RestrictionGround;

  @ApiProperty({
    example: '2027-06-30',
    format: 'date',
    description: 'The last day the restriction stands, unless lifted before: after today',
  })
  @IsCalendarDate()
  until!: string;

  @ApiProperty({
    example: 'Evidence in R v Marsh (Teesside Crown Court, trial listed June 2027)',
    description: 'What the data is kept for: personal data, sealed',
  })
  @IsText(5, 2000)
  explanation!: string;
}

export class LiftReferralRestrictionBody {
  @ApiProperty({
    example: 'Proceedings concluded; the evidence is no longer needed',
    description: 'Why the restriction ends: personal data, sealed',
  })
  @IsText(5, 2000)
  explanation!: string;
}
