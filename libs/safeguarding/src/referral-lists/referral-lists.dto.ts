import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { IsSlug } from '@soc/platform';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { REFERRAL_STATUSES, type ReferralStatus } from '../referral/referral.js';
import { ReferralSummaryWithDeadlineView } from '../referrals-projection/referral-summary.dto.js';

export class ReferralListParams extends ConsistencyQuery {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES, description: 'Only referrals in this status' })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;

  @ApiPropertyOptional({
    example: 'hartlepool-childrens-services',
    description: 'Whose list (default: your organisation’s); auditors may read any',
  })
  @IsOptional()
  @IsSlug()
  organisationId?: string;
}

export class ThreatIdParam {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001', format: 'uuid' })
  @IsUUID()
  threatId!: string;
}

export class ReferralListView {
  @ApiProperty({ example: 'hartlepool-childrens-services' }) organisationId!: string;
  @ApiProperty({ type: [ReferralSummaryWithDeadlineView] })
  referrals!: ReferralSummaryWithDeadlineView[];
}

export class ThreatReferralsView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ type: [ReferralSummaryWithDeadlineView] })
  referrals!: ReferralSummaryWithDeadlineView[];
}

export class ReferralStatusCounts {
  @ApiProperty({ example: 3 }) submitted!: number;
  @ApiProperty({ example: 1 }) acknowledged!: number;
  @ApiProperty({ example: 5 }) accepted!: number;
  @ApiProperty({ example: 2 }) declined!: number;
  @ApiProperty({ example: 0 }) withdrawn!: number;
  @ApiProperty({ example: 9 }) closed!: number;
}

/** Referrals an organisation received and made, by status: the performance picture's figures. */
export class ReferralCountsView {
  @ApiProperty({ example: 'hartlepool-childrens-services' }) organisationId!: string;
  @ApiProperty({ type: ReferralStatusCounts }) received!: ReferralStatusCounts;
  @ApiProperty({ type: ReferralStatusCounts }) sent!: ReferralStatusCounts;
}
