import { ApiProperty } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsText } from '@soc/platform';

export class AddReferralNoteBody {
  @ApiProperty({
    example: 'Strategy discussion held with school; mother informed',
    description: 'Personal data, sealed',
  })
  @IsText(2, 5000)
  text!: string;

  @BusinessDate('When the note’s fact happened')
  addedOn?: string;
}

export class ReferralNoteAddedResult extends CommandResult {
  @ApiProperty({ example: '0197e000-0000-7000-8000-0000000000aa', format: 'uuid' })
  noteId!: string;
}
