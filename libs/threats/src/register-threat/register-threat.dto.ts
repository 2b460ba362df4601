import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CLEAR_HOLD_BUILD_PHASES,
  type ClearHoldBuildPhase,
  MARKINGS,
  type Marking,
  PRIORITY_AREAS,
  THREAT_KINDS,
  THREAT_TYPES,
  type ThreatKind,
  type ThreatType,
} from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import { BusinessDate, IsCalendarDate, IsSlug, IsText } from '@soc/platform';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsPhase, PersonRefBody, ValidPersonRef } from '../threat/threat-params.dto.js';

export class RegisterThreatBody {
  @ApiProperty({
    example: 'cleveland-police',
    description: 'The force or ROCU that mapped the threat: must be the caller’s organisation',
  })
  @IsSlug()
  ownerOrganisationId!: string;

  @ApiProperty({ enum: THREAT_KINDS, example: 'ocg' })
  @IsIn(THREAT_KINDS)
  kind!: ThreatKind;

  @ApiProperty({ example: 'OPERATION KESTREL' })
  @IsText(2, 100)
  codeName!: string;

  @ApiProperty({ example: 'County lines supply into Hartlepool from Merseyside' })
  @IsText(1, 2000)
  summary!: string;

  @ApiProperty({ enum: PRIORITY_AREAS, example: 'county-lines' })
  @IsIn(PRIORITY_AREAS)
  priorityArea!: string;

  @ApiProperty({ enum: THREAT_TYPES, example: 'tactical' })
  @IsIn(THREAT_TYPES)
  type!: ThreatType;

  @ApiProperty({ minimum: 1, maximum: 5, example: 2, description: '1 is the highest' })
  @IsInt()
  @Min(1)
  @Max(5)
  tier!: number;

  @ApiProperty({ example: 'active', description: 'A short slug; `closed` only by closing it' })
  @IsPhase()
  phase!: string;

  @ApiProperty({
    example: true,
    description: 'Whether it counts as serious and organised crime',
  })
  @IsBoolean()
  soc!: boolean;

  @ApiProperty({ type: PersonRefBody, description: 'The lead responsible officer' })
  @ValidPersonRef()
  lro!: PersonRefBody;

  @ApiPropertyOptional({
    type: PersonRefBody,
    nullable: true,
    example: { personId: 'cleveland-sro-1', organisationId: 'cleveland-police' },
    description: 'The senior responsible officer, if named',
  })
  @IsOptional()
  @ValidPersonRef()
  sro?: PersonRefBody | null;

  @ApiPropertyOptional({
    nullable: true,
    example: 'Dyke House, Hartlepool',
    description: 'For a soc-vulnerability: the place it affects (required there)',
  })
  @IsOptional()
  @IsText(2, 200)
  place?: string | null;

  @ApiPropertyOptional({
    enum: CLEAR_HOLD_BUILD_PHASES,
    nullable: true,
    example: 'hold',
    description: 'For a soc-vulnerability where Clear, Hold, Build runs',
  })
  @IsOptional()
  @IsIn(CLEAR_HOLD_BUILD_PHASES)
  clearHoldBuildPhase?: ClearHoldBuildPhase | null;

  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' })
  @IsIn(MARKINGS)
  marking!: Marking;

  @ApiProperty({
    example: true,
    description: 'Whether organisations that may not read it may learn it exists, and who holds it',
  })
  @IsBoolean()
  signposting!: boolean;

  @ApiPropertyOptional({
    example: '2026-01-10',
    format: 'date',
    description: 'When the plan began (default: today); not in the future',
  })
  @IsOptional()
  @IsCalendarDate()
  openedOn?: string;

  @BusinessDate('When the threat was put on the master list', '2021-06-14')
  registeredOn?: string;
}

export class ThreatRegisteredResult extends CommandResult {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  threatId!: string;
}
