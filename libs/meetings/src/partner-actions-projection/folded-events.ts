import type { EventOf } from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { isoDate } from '@soc/platform';

/** The recorded form of an event contract's events. */
export type Recorded<C> = C extends unknown
  ? RecordedEvent<EventOf<C>['type'], EventOf<C>['data']>
  : never;

/** The business date of an event: the day its fact happened. */
export const businessDate = (event: RecordedEvent) => isoDate(new Date(event.occurredAt));
export const position = (event: RecordedEvent) => event.globalPosition ?? 0;
