import type { RecordedEvent } from '@soc/event-store';
import { defineProjection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { applyActionEvents, applyMeetingEvents, handledEvents } from './partner-action-folds.js';
import { meetings, partnerActions } from './partner-action-tables.js';

export type { AgreementPart, MeetingRow, PartnerActionRow } from './partner-action-tables.js';

/**
 * The meetings' read models: each agreed action beside what became of it, for the partners'
 * views. The meeting's stream and each action's stream write separate columns of the action's
 * row, so neither depends on the other being applied first.
 */
export const meetingsProjection = defineProjection({
  name: 'meetings',
  handles: handledEvents,
  tables: [meetings, partnerActions],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    await applyMeetingEvents(db, schema, events);
    await applyActionEvents(db, schema, events);
  },
});
