import { ApiProperty } from '@nestjs/swagger';
import { IsText } from '@soc/platform';

export class ErasePersonBody {
  @ApiProperty({ example: 'Left the force; retention period ended (MoPI review 2026-11)' })
  @IsText(5, 500)
  reason!: string;
}
