import { ApiProperty } from '@nestjs/swagger';
import { ACTION_CATEGORIES, type ActionCategory } from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import {
  BusinessDate,
  IsCalendarDate,
  IsSlug,
  IsText,
  PersonRefBody,
  SLUG,
  ValidPersonRef,
} from '@soc/platform';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsUUID, Matches } from 'class-validator';

export class AgreeActionBody {
  @ApiProperty({
    example: '0197c1f0-3a2b-7c4d-8e5f-0123456789ab',
    format: 'uuid',
    description: 'The agenda threat whose plan the action joins',
  })
  @IsUUID()
  threatId!: string;

  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'prevent' })
  @IsIn(ACTION_CATEGORIES)
  category!: ActionCategory;

  @ApiProperty({ example: 'Safeguarding visit to the two juveniles seen at Oxford Road' })
  @IsText(1, 2000)
  description!: string;

  @ApiProperty({ example: 'hartlepool-bc', description: 'The invited organisation that leads it' })
  @IsSlug()
  leadOrganisationId!: string;

  @ApiProperty({
    type: [String],
    example: ['thirteen-housing'],
    description: 'Invited organisations that support it (not the lead)',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  supportingOrganisationIds!: string[];

  @ApiProperty({
    type: PersonRefBody,
    description: 'The named point of contact, acting for the lead organisation',
  })
  @ValidPersonRef()
  pointOfContact!: PersonRefBody;

  @ApiProperty({ example: '2027-01-31', format: 'date', description: 'Not before the meeting' })
  @IsCalendarDate()
  dueDate!: string;

  @BusinessDate('When it was agreed (default: the meeting’s day once past)')
  agreedOn?: string;
}

export class ActionAgreedResult extends CommandResult {
  @ApiProperty({
    example: '0197d000-0000-7000-8000-000000000004',
    format: 'uuid',
    description: 'The action’s id: its updates go to /actions/{actionId}',
  })
  actionId!: string;
}
