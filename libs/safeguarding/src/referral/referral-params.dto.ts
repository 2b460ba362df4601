import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ReferralIdParam {
  @ApiProperty({ example: '0197e000-0000-7000-8000-000000000001', format: 'uuid' })
  @IsUUID()
  referralId!: string;
}
