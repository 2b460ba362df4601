import { ApiProperty } from '@nestjs/swagger';
import type { AppendResult } from './event-store.js';

/** What every command answers: where the stream is now, and the position to wait for on reads. */
export class CommandResult {
  @ApiProperty({ example: 'person:durham-lro-1' }) streamId!: string;
  @ApiProperty({ example: 2, description: 'Version of the stream after the command' })
  streamVersion!: number;
  @ApiProperty({
    example: 1042,
    nullable: true,
    type: Number,
    description:
      'Global position of the last event (null when the command answered before it had one: then use consistencyToken); pass it as minPosition to read your write',
  })
  globalPosition!: number | null;
  @ApiProperty({
    example: '48213',
    description:
      'Stands for the write; pass it as consistencyToken to a view to read your write (opaque)',
  })
  consistencyToken!: string;
}

export const toCommandResult = (result: AppendResult): CommandResult => ({
  streamId: result.streamId,
  streamVersion: result.streamVersion,
  globalPosition: result.globalPosition,
  consistencyToken: result.consistencyToken,
});
