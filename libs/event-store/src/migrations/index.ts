import { CreateEventStore1764000000000 } from './1764000000000-create-event-store.js';

export const eventStoreMigrations = [CreateEventStore1764000000000];
