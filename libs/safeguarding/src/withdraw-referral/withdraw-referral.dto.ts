import { ApiProperty } from '@nestjs/swagger';
import { WITHDRAWAL_REASONS, type WithdrawalReason } from '@soc/contracts';
import { BusinessDate, IsText } from '@soc/platform';
import { IsIn } from 'class-validator';

export class WithdrawReferralBody {
  @ApiProperty({ enum: WITHDRAWAL_REASONS, example: 'raised-in-error' })
  @IsIn(WITHDRAWAL_REASONS)
  reason!: WithdrawalReason;

  @ApiProperty({
    example: 'The address was mistyped: the family at that address is not the one seen',
    description: 'Why, for the receiver: personal data, sealed',
  })
  @IsText(5, 2000)
  explanation!: string;

  @BusinessDate('When your organisation withdrew the referral')
  withdrawnOn?: string;
}
