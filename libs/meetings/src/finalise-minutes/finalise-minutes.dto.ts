import { ApiProperty } from '@nestjs/swagger';
import { BusinessDate, IsText } from '@soc/platform';

export class FinaliseMinutesBody {
  @ApiProperty({ example: 'Eleven actions agreed; two plans to be refreshed before February' })
  @IsText(1, 4000)
  summary!: string;

  @BusinessDate('When the chair finalised the minutes')
  finalisedOn?: string;
}

export class CorrectMinutesBody {
  @ApiProperty({ example: 'Action 4 is led by Thirteen Housing, not the council' })
  @IsText(5, 4000)
  correction!: string;

  @BusinessDate('When the correction was made')
  correctedOn?: string;
}
