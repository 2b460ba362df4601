import { ApiProperty } from '@nestjs/swagger';
import { type Trend, TRENDS } from '../threats-projection/threat-view-parts.dto.js';

export class ActionStatusCountsView {
  @ApiProperty({ example: 1 }) proposed!: number;
  @ApiProperty({ example: 2 }) agreed!: number;
  @ApiProperty({ name: 'in-progress', example: 3 }) 'in-progress'!: number;
  @ApiProperty({ example: 4 }) done!: number;
  @ApiProperty({ example: 0 }) cancelled!: number;
}

export class OwnerActionCountView {
  @ApiProperty({ example: 'hartlepool-bc' }) organisationId!: string;
  @ApiProperty({ example: 3 }) total!: number;
  @ApiProperty({ example: 2, description: 'Not done nor cancelled' }) open!: number;
  @ApiProperty({ example: 1 }) pastDue!: number;
}

/** One of the caller's plans, with what stands out about it. */
export class MyPlanView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' }) threatId!: string;
  @ApiProperty({ example: 'OPERATION KESTREL' }) codeName!: string;
  @ApiProperty({ example: 'cleveland-police' }) ownerOrganisationId!: string;
  @ApiProperty({ example: 'active' }) phase!: string;
  @ApiProperty({ example: 2 }) tier!: number;
  @ApiProperty({ nullable: true, type: String, example: '2022-02-01' })
  nextReviewDate!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1240 }) latestScore!: number | null;
  @ApiProperty({ nullable: true, enum: TRENDS, example: 'up' }) trend!: Trend | null;
  @ApiProperty({ example: false }) stale!: boolean;
  @ApiProperty({ type: ActionStatusCountsView }) actionsByStatus!: ActionStatusCountsView;
  @ApiProperty({ type: [OwnerActionCountView] })
  actionsByOwnerOrganisation!: OwnerActionCountView[];
  @ApiProperty({ description: 'The review date has passed', example: false })
  reviewOverdue!: boolean;
  @ApiProperty({ example: 2, description: 'Open actions due before today' })
  actionsPastDue!: number;
  @ApiProperty({
    description: 'No plan or action activity for the quiet threshold (weeks)',
    example: false,
  })
  quiet!: boolean;
  @ApiProperty({ example: '2021-12-01T14:00:00.000Z' }) lastActivityAt!: string;
}
