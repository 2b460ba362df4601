import { ApiProperty } from '@nestjs/swagger';
import { BusinessDate, IsSlug } from '@soc/platform';
import { IsUUID } from 'class-validator';

export class AddAgendaItemBody {
  @ApiProperty({ example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab', format: 'uuid' })
  @IsUUID()
  threatId!: string;

  @ApiProperty({
    example: 'cleveland-police',
    description: 'The organisation that holds the threat: it presents the plan on a page',
  })
  @IsSlug()
  ownerOrganisationId!: string;

  @BusinessDate('When the threat was put on the agenda')
  addedOn?: string;
}

export class PublishAgendaBody {
  @BusinessDate('When the agenda went out to the invitees')
  publishedOn?: string;
}
