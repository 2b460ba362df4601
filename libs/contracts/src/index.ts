import { directoryEvents } from './directory.events.js';
import { planEvents } from './plans.events.js';
import type { EventContract } from './event-contract.js';

export * from './event-contract.js';
export * from './directory.events.js';
export * from './personal-data.js';
export * from './plans.events.js';

/** Every event type the system may append, across all contexts. */
export const allEventContracts: readonly EventContract[] = [...directoryEvents, ...planEvents];
