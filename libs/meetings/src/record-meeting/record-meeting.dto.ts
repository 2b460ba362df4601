import { ApiProperty } from '@nestjs/swagger';
import { type Attendance, ATTENDANCES } from '@soc/contracts';
import { BusinessDate, IsSlug } from '@soc/platform';
import { IsBoolean, IsIn } from 'class-validator';

export class RecordAttendanceBody {
  @ApiProperty({ example: 'probation-north-east' })
  @IsSlug()
  organisationId!: string;

  @ApiProperty({ example: 'probation-officer-1' })
  @IsSlug()
  personId!: string;

  @ApiProperty({ enum: ATTENDANCES, example: 'present' })
  @IsIn(ATTENDANCES)
  attendance!: Attendance;

  @ApiProperty({
    example: true,
    description: 'Whether they accepted the confidentiality statement (required to attend)',
  })
  @IsBoolean()
  acceptedConfidentiality!: boolean;

  @BusinessDate('The day of the meeting (default: its date once past)')
  recordedOn?: string;
}
