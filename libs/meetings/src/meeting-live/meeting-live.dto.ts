import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { HttpProblem } from '@soc/platform';
import type { Request } from 'express';
import { PackIntelligenceView } from '../meeting-pack/meeting-pack.dto.js';
import { PartnerActionView } from '../partner-actions-projection/partner-action-view.dto.js';

/** The data of one message of a meeting's live stream; its SSE `id` is the global position. */
export class MeetingLiveMessage {
  @ApiProperty({ example: 'meetings.PartnerActionAgreed' }) type!: string;
  @ApiProperty({ example: '0197d000-0000-7000-8000-000000000001' }) meetingId!: string;
  @ApiPropertyOptional({ example: '0197d000-0000-7000-8000-000000000004' }) actionId?: string;
  @ApiProperty({ example: 1234 }) globalPosition!: number;
  @ApiProperty({ example: '2025-01-14T10:02:00.000Z', description: 'When it happened' })
  occurredAt!: string;
  @ApiPropertyOptional({
    type: PartnerActionView,
    description: 'An action’s events: the action as the meeting pack now shows it',
  })
  action?: PartnerActionView;
  @ApiPropertyOptional({
    type: PackIntelligenceView,
    description: 'Intelligence shared: the item, sent only where the pack shows it',
  })
  intelligence?: PackIntelligenceView;
  @ApiPropertyOptional({
    type: Object,
    description:
      'The meeting’s other events: what the pack shows of them (agenda threats, attendance by organisation, decision text...)',
    example: { decisionId: '0197d000-0000-7000-8000-000000000003', threatId: null, text: '...' },
  })
  details?: Record<string, unknown>;
}

const POSITION = /^\d{1,15}$/;

/** `Last-Event-ID`: the global position a reconnecting client saw last; a malformed one is refused. */
export const LastEventId = createParamDecorator(
  (_data: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<Request>().headers['last-event-id'];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !POSITION.test(header.trim())) {
      throw new HttpProblem(
        400,
        'last-event-id-malformed',
        'Last-Event-ID must be the id of an event of this stream (a global position, e.g. 1234)',
      );
    }
    return Number(header.trim());
  },
);
