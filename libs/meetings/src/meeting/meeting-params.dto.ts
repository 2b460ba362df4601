import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';

export class MeetingIdParam {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000001', format: 'uuid' })
  @IsUUID()
  meetingId!: string;
}

export class AgendaItemParams extends MeetingIdParam {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  @IsUUID()
  threatId!: string;
}

/** The agenda threat a fact of the meeting concerns, if any (null or absent: none). */
export const OptionalAgendaThreat = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      format: 'uuid',
      description: 'The agenda threat it concerns, if any',
      example: '0197c1f0-0000-7000-8000-000000000001',
    }),
    IsOptional(),
    IsUUID(),
  );
