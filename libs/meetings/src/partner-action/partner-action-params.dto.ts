import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ActionIdParam {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000004', format: 'uuid' })
  @IsUUID()
  actionId!: string;
}

export class DueDateRequestParams extends ActionIdParam {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000005', format: 'uuid' })
  @IsUUID()
  requestId!: string;
}
