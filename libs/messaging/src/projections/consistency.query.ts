import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** How long a read waits for its minPosition or consistencyToken unless it says otherwise. */
export const DEFAULT_CONSISTENCY_WAIT_MS = 5000;

/** Read-your-writes: ask to see at least the position, or the write, a command answered with. */
export class ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'Wait until the view has applied this global position (from a command answer); 400 at once if the log has not reached it, 503 if the view has not in time',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPosition?: number;

  @ApiPropertyOptional({
    description:
      'Wait until the view has applied the write a command answered with this token (its consistencyToken); 400 at once if no command did, 503 if the view has not in time',
    example: '48213',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  consistencyToken?: string;

  @ApiPropertyOptional({
    description: 'How long to wait for minPosition or consistencyToken, in ms',
    default: DEFAULT_CONSISTENCY_WAIT_MS,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30_000)
  waitMs?: number;
}
