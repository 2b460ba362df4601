import { ApiProperty } from '@nestjs/swagger';
import { MEETING_KINDS, type MeetingKind } from '@soc/contracts';
import { CommandResult } from '@soc/event-store';
import {
  BusinessDate,
  IsCalendarDate,
  IsText,
  PersonRefBody,
  SLUG,
  ValidPersonRef,
} from '@soc/platform';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, Matches } from 'class-validator';

export class ScheduleMeetingBody {
  @ApiProperty({ enum: MEETING_KINDS, example: 'marsoc' })
  @IsIn(MEETING_KINDS)
  kind!: MeetingKind;

  @ApiProperty({ example: 'Cleveland MARSOC, December' })
  @IsText(2, 200)
  title!: string;

  @ApiProperty({
    type: PersonRefBody,
    description: 'Who chairs it: a person of your organisation, which holds the meeting',
  })
  @ValidPersonRef()
  chair!: PersonRefBody;

  @ApiProperty({
    example: '2026-12-15',
    format: 'date',
    description: 'The day it is (or was) held',
  })
  @IsCalendarDate()
  heldOn!: string;

  @ApiProperty({ example: 'Middlesbrough, Ladgate Lane, room 2' })
  @IsText(2, 200)
  place!: string;

  @ApiProperty({
    type: [String],
    example: ['hartlepool-bc', 'probation-north-east', 'thirteen-housing'],
    description: 'Partner organisations invited (up to 200); the chair’s own is always invited',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  invitedOrganisationIds!: string[];

  @ApiProperty({
    example: 'Information shared here is for the purposes of this meeting only',
    description: 'What every attendee accepts before taking part',
  })
  @IsText(10, 2000)
  confidentialityStatement!: string;

  @BusinessDate('When the meeting was arranged (default: today, or the meeting’s day if past)')
  scheduledOn?: string;
}

export class MeetingScheduledResult extends CommandResult {
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000001', format: 'uuid' })
  meetingId!: string;
}

export class InviteOrganisationsBody {
  @ApiProperty({ type: [String], example: ['hmrc', 'dwp'] })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(SLUG, { each: true, message: 'each of $property must be an organisation id (slug)' })
  organisationIds!: string[];

  @BusinessDate('When they were invited')
  invitedOn?: string;
}
