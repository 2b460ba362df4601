import { CreateEventStore1764000000000 } from './1764000000000-create-event-store.js';
import { GroupAppends1764300000000 } from './1764300000000-group-appends.js';
import { SealRounds1765100000000 } from './1765100000000-seal-rounds.js';

export const eventStoreMigrations = [
  CreateEventStore1764000000000,
  GroupAppends1764300000000,
  SealRounds1765100000000,
];
