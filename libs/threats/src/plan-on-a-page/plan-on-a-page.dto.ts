import { ApiProperty } from '@nestjs/swagger';
import {
  ACTION_CATEGORIES,
  CLEAR_HOLD_BUILD_PHASES,
  MARKINGS,
  THREAT_KINDS,
  THREAT_TYPES,
} from '@soc/contracts';
import {
  ACTION_STATUSES,
  CurrentAssessmentView,
  PersonRefView,
  type Trend,
  TRENDS,
} from '../threats-projection/threat-view-parts.dto.js';

export class PlanPersonView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000b001' }) involvementId!: string;
  @ApiProperty({ example: 'subject:0197c1f0-0000-7000-8000-00000000c001' }) subjectId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'John Smith',
    description: 'Personal data; null once erased',
  })
  name!: string | null;
  @ApiProperty({ example: false }) erased!: boolean;
  @ApiProperty({ example: 'principal' }) role!: string;
}

export class ActionProgressView {
  @ApiProperty({ example: 'Closure order hearing listed for 14 January' }) note!: string;
  @ApiProperty({ example: '2022-01-05' }) on!: string;
  @ApiProperty({ example: '2022-01-05T11:00:00.000Z' }) recordedAt!: string;
  @ApiProperty({ type: PersonRefView }) recordedBy!: PersonRefView;
}

/** A safeguarding referral raised from the action: how it stands, never whom it is about. */
export class PlanActionReferralView {
  @ApiProperty({ example: '0197e000-0000-7000-8000-000000000001' }) referralId!: string;
  @ApiProperty({
    enum: ['submitted', 'acknowledged', 'accepted', 'declined', 'withdrawn', 'closed'],
    example: 'submitted',
  })
  status!: string;
  @ApiProperty({ type: [String], example: ['county-lines'] }) concerns!: string[];
  @ApiProperty({ example: 'immediate' }) urgency!: string;
  @ApiProperty({ example: '2026-11-24T09:12:44.120Z' }) raisedAt!: string;
}

export class PlanActionView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000d001' }) actionId!: string;
  @ApiProperty({ enum: ACTION_CATEGORIES, example: 'prevent' }) category!: string;
  @ApiProperty({ example: 'Closure order on the cuckooed flat' }) description!: string;
  @ApiProperty({ type: PersonRefView }) owner!: PersonRefView;
  @ApiProperty({ example: '2022-01-31' }) dueDate!: string;
  @ApiProperty({ enum: ACTION_STATUSES, example: 'in-progress' }) status!: string;
  @ApiProperty({ description: 'Still open and due before today', example: false })
  pastDue!: boolean;
  @ApiProperty({ nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: String }) cancellationReason!: string | null;
  @ApiProperty({ example: '2021-12-01T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2022-01-05T11:00:00.000Z' }) updatedAt!: string;
  @ApiProperty({ type: [ActionProgressView], description: 'Oldest first' })
  progress!: ActionProgressView[];
  @ApiProperty({
    type: [PlanActionReferralView],
    description: 'Safeguarding referrals raised from this (protect) action, oldest first',
  })
  referrals!: PlanActionReferralView[];
}

/**
 * The plan on a page, as the caller may see it: a partner organisation sees the actions its
 * own organisation owns, and nothing about the others.
 */
export class PlanOnAPageView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({ enum: THREAT_KINDS, example: 'ocg' }) kind!: string;
  @ApiProperty({ example: 'County lines supply into Hartlepool from Merseyside' })
  summary!: string;
  @ApiProperty({ example: 'county-lines' }) priorityArea!: string;
  @ApiProperty({ enum: THREAT_TYPES, example: 'tactical' }) type!: string;
  @ApiProperty({ example: 2 }) tier!: number;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ enum: MARKINGS, example: 'OFFICIAL' }) marking!: string;
  @ApiProperty({ type: PersonRefView }) lro!: PersonRefView;
  @ApiProperty({ nullable: true, type: PersonRefView }) sro!: PersonRefView | null;
  @ApiProperty({ nullable: true, type: String, example: 'Dyke House, Hartlepool' }) place!:
    string | null;
  @ApiProperty({ nullable: true, enum: CLEAR_HOLD_BUILD_PHASES, example: 'hold' })
  clearHoldBuildPhase!: string | null;
  @ApiProperty({ nullable: true, type: CurrentAssessmentView })
  currentAssessment!: CurrentAssessmentView | null;
  @ApiProperty({ nullable: true, enum: TRENDS, example: 'down' }) trend!: Trend | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Supply of crack cocaine and heroin through a deal line',
  })
  criminalActivity!: string | null;
  @ApiProperty({ type: [String], example: ['Hartlepool', 'Stockton-on-Tees'] })
  placesAffected!: string[];
  @ApiProperty({ type: [String], example: ['Withdrawal of the task team in March'] })
  risks!: string[];
  @ApiProperty({ nullable: true, type: String, example: '2022-02-01' })
  reviewDate!: string | null;
  @ApiProperty({ description: 'The review date has passed', example: false })
  reviewOverdue!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2021-12-15' }) lastReviewedOn!:
    string | null;
  @ApiProperty({ type: [PlanPersonView] }) people!: PlanPersonView[];
  @ApiProperty({ type: [PlanActionView] }) actions!: PlanActionView[];
  @ApiProperty({ example: 'hartlepool-bc', description: 'The organisation this copy is for' })
  preparedFor!: string;
  @ApiProperty({ example: '2022-01-10' }) preparedOn!: string;
  @ApiProperty({ example: 1042 }) globalPosition!: number;
}
