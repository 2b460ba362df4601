import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '@soc/platform';

export class EraseReferralSubjectBody {
  @ApiProperty({
    example: 'Retention period ended: six years after closure (safeguarding retention schedule)',
    description:
      'Why the subject is erased now: kept in the event and the access log, not personal',
  })
  @IsText(5, 500)
  reason!: string;
}
