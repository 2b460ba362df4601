import { ApiProperty } from '@nestjs/swagger';
import { IsSlug } from '@soc/platform';
import { IsUUID, Matches } from 'class-validator';

/** A threat's phase (`open`, `active`, `pursue-and-disrupt`...): a short slug. */
export const IsPhase = () =>
  Matches(/^[a-z][a-z0-9-]{1,31}$/, {
    message: '$property must be 2-32 lower-case letters, digits or "-"',
  });

// ----- path parameters -----

export class ThreatIdParam {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  @IsUUID()
  threatId!: string;
}

export class AssessmentParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f2-1111-7222-8333-444455556666', format: 'uuid' })
  @IsUUID()
  assessmentId!: string;
}

export class InvolvementParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f3-aaaa-7bbb-8ccc-ddddeeeeffff', format: 'uuid' })
  @IsUUID()
  involvementId!: string;
}

export class ActionParams extends ThreatIdParam {
  @ApiProperty({ example: '0197c1f4-0000-7111-8222-333344445555', format: 'uuid' })
  @IsUUID()
  actionId!: string;
}

export class ShareParams extends ThreatIdParam {
  @ApiProperty({ example: 'hartlepool-bc' })
  @IsSlug()
  organisationId!: string;
}

export { personRef, PersonRefBody, ValidPersonRef } from '@soc/platform';
