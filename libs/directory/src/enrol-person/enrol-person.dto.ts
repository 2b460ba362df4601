import { ApiProperty } from '@nestjs/swagger';
import { IsSlug, IsText } from '@soc/platform';
import { RolesBody } from '../directory.dto.js';

export class EnrolPersonBody extends RolesBody {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @IsSlug()
  personId!: string;

  @ApiProperty({
    example: 'DI Sam Carter',
    description: 'Personal data: sealed under the person’s key',
  })
  @IsText(1, 200)
  displayName!: string;
}
