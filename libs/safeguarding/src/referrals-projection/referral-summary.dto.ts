import { ApiProperty } from '@nestjs/swagger';
import {
  CONCERN_CATEGORIES,
  type ConcernCategory,
  REFERRAL_URGENCIES,
  type ReferralUrgency,
} from '@soc/contracts';
import { REFERRAL_STATUSES, type ReferralStatus } from '../referral/referral.js';

const when = (example: string | null) => ({
  type: String,
  format: 'date-time',
  nullable: true,
  example,
});

/** A referral without personal data: what the threat's LRO and every list may show. */
export class ReferralSummaryView {
  @ApiProperty({ example: '0197e000-0000-7000-8000-000000000001' }) referralId!: string;
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ enum: REFERRAL_STATUSES, example: 'acknowledged' }) status!: ReferralStatus;
  @ApiProperty({ enum: CONCERN_CATEGORIES, isArray: true, example: ['county-lines'] })
  concerns!: ConcernCategory[];
  @ApiProperty({ enum: REFERRAL_URGENCIES, example: 'immediate' }) urgency!: ReferralUrgency;
  @ApiProperty({ example: 'cleveland-police' }) referringOrganisationId!: string;
  @ApiProperty({ example: 'cleveland-so-1' }) referringPersonId!: string;
  @ApiProperty({ example: 'hartlepool-childrens-services' }) receivingOrganisationId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T09:12:44.120Z' }) raisedAt!: string;
  @ApiProperty(when('2026-11-24T10:02:00.000Z')) acknowledgedAt!: string | null;
  @ApiProperty(when(null)) acceptedAt!: string | null;
  @ApiProperty(when(null)) declinedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) declineReason!: string | null;
  @ApiProperty(when(null)) withdrawnAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) withdrawalReason!: string | null;
  @ApiProperty(when(null)) closedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) closureReason!: string | null;
  @ApiProperty({ example: 2 }) noteCount!: number;
  @ApiProperty({ format: 'date-time', example: '2026-11-24T10:02:00.000Z' })
  lastChangedAt!: string;
  @ApiProperty({ example: 2, description: 'The stream version: send it as If-Match' })
  version!: number;
  @ApiProperty({ example: 1042 }) globalPosition!: number;
}

/** The summary with its acknowledgement deadline, judged when the view was read. */
export class ReferralSummaryWithDeadlineView extends ReferralSummaryView {
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-24T13:12:44.120Z',
    description:
      'When acknowledgement falls due: raised at plus the hours of its urgency (elapsed hours, around the clock)',
  })
  acknowledgementDue!: string;

  @ApiProperty({
    example: false,
    description: 'Still awaiting acknowledgement at or after acknowledgementDue',
  })
  overdue!: boolean;
}
