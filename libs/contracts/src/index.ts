import { directoryEvents } from './directory.events.js';
import { meetingEvents } from './meetings.events.js';
import { safeguardingEvents } from './safeguarding.events.js';
import { threatEvents } from './threats.events.js';
import type { EventContract } from './event-contract.js';

export * from './event-contract.js';
export * from './directory.events.js';
export * from './meetings.events.js';
export * from './personal-data.js';
export * from './safeguarding.events.js';
export * from './threats.events.js';

/** Every event type the system may append, across all contexts. */
export const allEventContracts: readonly EventContract[] = [
  ...directoryEvents,
  ...threatEvents,
  ...meetingEvents,
  ...safeguardingEvents,
];
