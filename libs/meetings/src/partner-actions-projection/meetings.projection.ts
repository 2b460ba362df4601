import type { RecordedEvent } from '@soc/event-store';
import { defineProjection } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { applyMeetingEvents, MEETING_EVENTS } from './meeting-folds.js';
import {
  agendaPublications,
  intelligenceItems,
  threatSummaries,
  threatSummaryVersions,
} from './meeting-pack-tables.js';
import { applyActionEvents, LIFE_EVENTS } from './partner-action-folds.js';
import { meetings, partnerActions } from './partner-action-tables.js';
import { applyPlanActionEvents } from './plan-action-folds.js';
import { planActions } from './plan-action-tables.js';
import { applyThreatEvents, THREAT_EVENTS } from './threat-summary-folds.js';

export type { AgreementPart, MeetingRow, PartnerActionRow } from './partner-action-tables.js';

/**
 * The meetings' read models: each meeting with its agenda, attendance, decisions and the
 * intelligence shared at it; each agreed action beside what became of it; and a summary of each
 * threat from the threats context's events, with every state it has been in, and each agenda as it
 * was published (what it sent is the threat's state in force at the publication's position); and
 * each 4P action of the threats' plans, for the partner's view of its own actions. The meeting's
 * stream and each action's stream write separate columns of the action's row, so neither depends
 * on the other being applied first.
 */
export const meetingsProjection = defineProjection({
  name: 'meetings',
  handles: [...MEETING_EVENTS, ...LIFE_EVENTS, ...THREAT_EVENTS].map((e) => e.type),
  tables: [
    meetings,
    partnerActions,
    intelligenceItems,
    threatSummaries,
    threatSummaryVersions,
    agendaPublications,
    planActions,
  ],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    await applyMeetingEvents(db, schema, events);
    await applyActionEvents(db, schema, events);
    await applyThreatEvents(db, schema, events);
    // After the threats' summaries, whose code names the plan actions carry.
    await applyPlanActionEvents(db, schema, events);
  },
});
