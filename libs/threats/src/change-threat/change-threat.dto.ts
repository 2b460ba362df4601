import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BusinessDate, IsText } from '@soc/platform';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsPhase, PersonRefBody, ValidPersonRef } from '../threat/threat-params.dto.js';

export class ChangeTierBody {
  @ApiProperty({ minimum: 1, maximum: 5, example: 1 })
  @IsInt()
  @Min(1)
  @Max(5)
  tier!: number;

  @ApiProperty({ example: 'Firearms recovered at an address linked to the group' })
  @IsText(5, 1000)
  reason!: string;

  @BusinessDate('When the tier changed')
  changedOn?: string;
}

export class ChangePhaseBody {
  @ApiProperty({ example: 'pursue', description: 'A short slug; close a threat with /closure' })
  @IsPhase()
  phase!: string;

  @BusinessDate('When the threat entered the phase')
  changedOn?: string;
}

export class ChangeLroBody {
  @ApiProperty({ type: PersonRefBody })
  @ValidPersonRef()
  lro!: PersonRefBody;

  @ApiPropertyOptional({
    type: PersonRefBody,
    nullable: true,
    example: { personId: 'cleveland-sro-1', organisationId: 'cleveland-police' },
    description: 'The senior responsible officer; null or absent when none is named',
  })
  @IsOptional()
  @ValidPersonRef()
  sro?: PersonRefBody | null;

  @BusinessDate('When the new LRO took the plan')
  changedOn?: string;
}

export class CloseThreatBody {
  @ApiProperty({ example: 'Principals convicted; the group is dismantled' })
  @IsText(5, 1000)
  reason!: string;

  @BusinessDate('When the threat was closed', '2022-02-14')
  closedOn?: string;
}
