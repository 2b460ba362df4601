import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/* The parts of a threat that several views show alike. */

export const ACTION_STATUSES = ['proposed', 'agreed', 'in-progress', 'done', 'cancelled'] as const;
export const MODERATION_STATUSES = ['unmoderated', 'moderated', 'returned'] as const;
export const TRENDS = ['up', 'down', 'same', 'new'] as const;
export type Trend = (typeof TRENDS)[number];

export class ThreatIdPath {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-000000000001' })
  @IsUUID()
  threatId!: string;
}

export class PersonRefView {
  @ApiProperty({ example: 'cleveland-police-lro' }) personId!: string;
  @ApiProperty({ example: 'cleveland-police' }) organisationId!: string;
}

export class MorileScoresView {
  @ApiProperty({ example: 80 }) harm!: number;
  @ApiProperty({ example: 70 }) likelihood!: number;
  @ApiProperty({ example: 60 }) confidence!: number;
  @ApiProperty({ example: 50 }) capacity!: number;
  @ApiProperty({ example: 40 }) capability!: number;
}

export class MorileOutputsView {
  @ApiProperty({ example: 1240 }) totalScore!: number;
  @ApiProperty({ enum: ['high', 'medium', 'low'], example: 'high' }) priority!: string;
  @ApiProperty({ enum: ['high', 'medium', 'low'], example: 'medium' }) opportunity!: string;
}

/** The assessment that stands, as the master list shows it. */
export class CurrentAssessmentView {
  @ApiProperty({ example: '0197c1f0-0000-7000-8000-00000000a001' }) assessmentId!: string;
  @ApiProperty({ example: 'MoRiLE 2.1' }) modelVersion!: string;
  @ApiProperty({ type: MorileScoresView }) scores!: MorileScoresView;
  @ApiProperty({ type: MorileOutputsView }) outputs!: MorileOutputsView;
  @ApiProperty({ example: '2021-11-01' }) assessedOn!: string;
  @ApiProperty({
    example: '2021-10-20',
    description: 'Date of the newest intelligence it rests on',
  })
  intelligenceDate!: string;
  @ApiProperty({
    description: 'Its intelligence is older than the stale threshold (months) before today',
    example: false,
  })
  stale!: boolean;
  @ApiProperty({ enum: MODERATION_STATUSES, example: 'moderated' }) moderationStatus!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Consistent with regional scoring',
    description: 'The moderator’s note, or the reason it was returned',
  })
  moderationNote!: string | null;
}
