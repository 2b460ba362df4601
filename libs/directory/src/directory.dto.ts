import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_KINDS, type OrganisationKind } from '@soc/contracts';
import { ROLES, type Role } from '@soc/security';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
} from 'class-validator';

const SLUG = /^[a-z0-9][a-z0-9._-]{1,62}$/;
const SLUG_MESSAGE = '$property must be 2-63 lower-case letters, digits, ".", "_" or "-"';

export class OrganisationIdParam {
  @ApiProperty({ example: 'cleveland-police' })
  @Matches(SLUG, { message: SLUG_MESSAGE })
  organisationId!: string;
}

export class PersonIdParam {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @Matches(SLUG, { message: SLUG_MESSAGE })
  personId!: string;
}

export class RegisterOrganisationBody {
  @ApiProperty({ example: 'hartlepool-childrens-services' })
  @Matches(SLUG, { message: SLUG_MESSAGE })
  organisationId!: string;

  @ApiProperty({ example: "Hartlepool Borough Council Children's Services" })
  @IsString()
  @Length(2, 200)
  name!: string;

  @ApiProperty({ enum: ORGANISATION_KINDS, example: 'statutory-partner' })
  @IsIn(ORGANISATION_KINDS)
  kind!: OrganisationKind;
}

class RolesBody {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['lro', 'meeting-chair'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class EnrolPersonBody extends RolesBody {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @Matches(SLUG, { message: SLUG_MESSAGE })
  personId!: string;

  @ApiProperty({
    example: 'DI Sam Carter',
    description: 'Personal data: sealed under the person’s key',
  })
  @IsString()
  @Length(1, 200)
  displayName!: string;
}

export class ChangeRolesBody extends RolesBody {}

export class ErasePersonBody {
  @ApiProperty({ example: 'Left the force; retention period ended (MoPI review 2026-11)' })
  @IsString()
  @Length(5, 500)
  reason!: string;
}

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
