import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_KINDS, type OrganisationKind } from '@soc/contracts';
import { IsSlug, IsText } from '@soc/platform';
import { IsIn } from 'class-validator';

export class RegisterOrganisationBody {
  @ApiProperty({ example: 'hartlepool-childrens-services' })
  @IsSlug()
  organisationId!: string;

  @ApiProperty({ example: "Hartlepool Borough Council Children's Services" })
  @IsText(2, 200)
  name!: string;

  @ApiProperty({ enum: ORGANISATION_KINDS, example: 'statutory-partner' })
  @IsIn(ORGANISATION_KINDS)
  kind!: OrganisationKind;
}
