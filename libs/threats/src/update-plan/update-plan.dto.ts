import { ApiProperty } from '@nestjs/swagger';
import { BusinessDate, IsCalendarDate, IsText, SLUG } from '@soc/platform';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsString,
  Length,
  Matches,
} from 'class-validator';

export class UpdatePlanBody {
  @ApiProperty({ example: 'Crack cocaine and heroin supplied via a county line from Liverpool' })
  @IsText(1, 4000)
  criminalActivity!: string;

  @ApiProperty({ type: [String], example: ['Dyke House, Hartlepool', 'Hartlepool town centre'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  placesAffected!: string[];

  @ApiProperty({ type: [String], example: ['Withdrawal of the task team in March'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  risks!: string[];

  @ApiProperty({ example: '2027-02-01', format: 'date', description: 'Not before the plan began' })
  @IsCalendarDate()
  reviewDate!: string;

  @BusinessDate('When the plan was rewritten')
  updatedOn?: string;
}

export class ReviewPlanBody {
  @ApiProperty({ example: '2027-03-01', format: 'date', description: 'After the review' })
  @IsCalendarDate()
  nextReviewDate!: string;

  @ApiProperty({ example: 'Actions on track; housing closure order granted' })
  @IsText(0, 2000)
  note!: string;

  @BusinessDate('When the plan was reviewed')
  reviewedOn?: string;
}

export class SharePlanBody {
  @ApiProperty({ type: [String], example: ['hartlepool-bc', 'hmpps-north-east'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  organisationIds!: string[];

  @BusinessDate('When the plan was shared')
  sharedOn?: string;
}
