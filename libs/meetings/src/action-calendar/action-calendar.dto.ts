import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** The feed the tokens of this route grant, and nothing else. */
export const CALENDAR_FEED = 'my-actions-calendar';

export class CalendarTokenView {
  @ApiProperty({
    example: 'q3Jc0xS2mJ2b8k3Yw9vZpX1t5hQeR7uNa4LdFgHiKjM',
    description: 'Shown once; only its hash is kept',
  })
  token!: string;
  @ApiProperty({
    example: '/views/my-actions/calendar/q3Jc0xS2mJ2b8k3Yw9vZpX1t5hQeR7uNa4LdFgHiKjM',
    description: 'The feed to subscribe to, on this server',
  })
  url!: string;
}

export class CalendarTokenParam {
  @ApiProperty({ example: 'q3Jc0xS2mJ2b8k3Yw9vZpX1t5hQeR7uNa4LdFgHiKjM' })
  @Matches(/^[A-Za-z0-9_-]{1,100}$/)
  token!: string;
}
