import { ApiProperty } from '@nestjs/swagger';
import { IsSlug } from '@soc/platform';
import { ROLES, type Role } from '@soc/security';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn } from 'class-validator';

/** What a command on a person answers when there is none, or none the caller may know of. */
export const NO_PERSON = 'No such person, or one your organisation may not know of';

export class OrganisationIdParam {
  @ApiProperty({ example: 'cleveland-police' })
  @IsSlug()
  organisationId!: string;
}

export class PersonIdParam {
  @ApiProperty({ example: 'cleveland-lro-1' })
  @IsSlug()
  personId!: string;
}

/** The roles a person holds in their organisation, as enrolment and a change of roles give them. */
export class RolesBody {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['lro', 'meeting-chair'] })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}
