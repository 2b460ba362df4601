import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ThreatCountsParams extends ConsistencyQuery {
  @ApiPropertyOptional({
    description: 'Count as of the end of this date (UTC); today when left out',
    example: '2022-01-10',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be a date YYYY-MM-DD' })
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  asOf?: string;
}

export class OrganisationCountView {
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
  @ApiProperty({ example: 29 }) count!: number;
}

/** Threats counted under the regional rule: tactical, moderated, SOC, not tier 5, not closed. */
export class ThreatCountsView {
  @ApiProperty({ example: '2022-01-10' }) asOf!: string;
  @ApiProperty({ example: 142 }) total!: number;
  @ApiProperty({
    type: [OrganisationCountView],
    example: [
      { organisationId: 'cleveland-police', count: 29 },
      { organisationId: 'durham-constabulary', count: 32 },
      { organisationId: 'nersou', count: 39 },
      { organisationId: 'northumbria-police', count: 42 },
    ],
  })
  byOrganisation!: OrganisationCountView[];
}
