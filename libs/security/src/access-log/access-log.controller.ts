import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Authorize } from '../http/security.decorators.js';
import { PersonalDataAccessLog } from './personal-data-access-log.js';

class AccessLogQueryParams {
  @ApiPropertyOptional({ example: 'person:cleveland-lro-1', description: 'Data subject' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,30}:[A-Za-z0-9][A-Za-z0-9._:-]{0,160}$/)
  subject?: string;

  @ApiPropertyOptional({ description: 'Person who processed the data' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,127}$/)
  person?: string;

  @ApiPropertyOptional({ description: 'Organisation of the person who processed the data' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,127}$/)
  organisation?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'Page after this entry id' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

class AccessLogEntryView {
  @ApiProperty({ example: 4182 }) id!: number;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T09:12:44.120Z' }) at!: string;
  @ApiProperty({ example: 'cleveland-police-analyst' }) personId!: string;
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
  @ApiProperty({ isArray: true, type: String, example: ['analyst'] }) roles!: string[];
  @ApiProperty({
    enum: ['collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure'],
    example: 'consultation',
  })
  operation!: string;
  @ApiProperty({ example: 'person' }) recordType!: string;
  @ApiProperty({ example: 'cleveland-police-lro' }) recordId!: string;
  @ApiProperty({ isArray: true, type: String, example: ['person:cleveland-police-lro'] })
  subjectIds!: string[];
  @ApiProperty({ nullable: true, type: String, example: null }) disclosedTo!: string | null;
  @ApiProperty({ example: 'MARSOC meeting preparation' }) purpose!: string;
  @ApiProperty({ nullable: true, type: String, example: '6f1c2a8e-3d4b-4e5f-9a7b-2c1d0e9f8a7b' })
  requestId!: string | null;
}

/** Who consulted, disclosed or erased whose personal data, when and why: for auditors. */
@ApiTags('audit')
@Controller('audit/personal-data-access')
export class AccessLogController {
  constructor(private readonly log: PersonalDataAccessLog) {}

  @Get()
  @Authorize('access-log:read')
  @ApiOkResponse({ type: [AccessLogEntryView] })
  find(@Query() query: AccessLogQueryParams) {
    return this.log.find({
      subjectId: query.subject,
      personId: query.person,
      organisationId: query.organisation,
      from: query.from,
      to: query.to,
      afterId: query.after,
      limit: query.limit ?? 100,
    });
  }
}
