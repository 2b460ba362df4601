import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_KINDS } from '@soc/contracts';
import { ROLES } from '@soc/security';

export class OrganisationView {
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
  @ApiProperty({ example: 'Cleveland Police' }) name!: string;
  @ApiProperty({ enum: ORGANISATION_KINDS, example: 'police-force' }) kind!: string;
  @ApiProperty({ description: 'People enrolled', example: 5 }) people!: number;
  @ApiProperty({
    description: 'Global position of the newest event applied to this row',
    example: 31,
  })
  globalPosition!: number;
}

export class PersonView {
  @ApiProperty({ example: 'cleveland-lro-1' }) personId!: string;
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
  @ApiProperty({
    example: 'DI Sam Carter',
    nullable: true,
    type: String,
    description: 'null once the person’s personal data has been erased',
  })
  displayName!: string | null;
  @ApiProperty({ description: 'Whether the personal data was erased', example: false })
  erased!: boolean;
  @ApiProperty({ enum: ROLES, isArray: true, example: ['lro'] }) roles!: string[];
  @ApiProperty({ example: 31 }) globalPosition!: number;
}
