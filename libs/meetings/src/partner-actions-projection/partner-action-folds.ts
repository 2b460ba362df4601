import {
  DueDateChangeGranted,
  DueDateChangeRefused,
  DueDateChangeRequested,
  PartnerActionClosed,
  PartnerActionCompleted,
  PartnerActionProgressPosted,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { loadRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { businessDate, position, type Recorded } from './folded-events.js';
import { LIFE_COLUMNS, type LifePart, partnerActions } from './partner-action-tables.js';

export const LIFE_EVENTS = [
  PartnerActionProgressPosted,
  PartnerActionCompleted,
  PartnerActionClosed,
  DueDateChangeRequested,
  DueDateChangeGranted,
  DueDateChangeRefused,
];
type LifeEvent = Recorded<(typeof LIFE_EVENTS)[number]>;
const lifeTypes = new Set<string>(LIFE_EVENTS.map((e) => e.type));

const initialLife = (): LifePart => ({
  status: 'agreed',
  first_progress_on: null,
  last_progress_on: null,
  last_progress_note: null,
  completed_on: null,
  outcome: null,
  closed_on: null,
  closure_reason: null,
  closure_explanation: null,
  granted_due_dates: [],
  pending_request_id: null,
  pending_due_date: null,
  pending_reason: null,
  pending_requested_on: null,
  life_position: 0,
});

/**
 * The actions' side: progress, completion, closure and due-date requests, folded from each
 * action's own stream. Only life columns are written (see `applyMeetingEvents`), so the meeting's
 * stream and the action's never overwrite each other's columns of the row.
 */
export async function applyActionEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is LifeEvent => lifeTypes.has(e.type));
  if (own.length === 0) return;
  const ids = [...new Set(own.map((e) => e.data.actionId))];
  const loaded = await loadRows(
    db,
    schema,
    partnerActions,
    ids.map((action_id) => ({ action_id })),
  );
  const lives = new Map<string, LifePart>(ids.map((id) => [id, initialLife()]));
  for (const row of loaded) {
    lives.set(row.action_id, Object.fromEntries(LIFE_COLUMNS.map((c) => [c, row[c]])) as LifePart);
  }
  for (const event of own) {
    const life = lives.get(event.data.actionId)!;
    foldLife(life, event);
    life.life_position = position(event);
  }
  await upsertRows(
    db,
    schema,
    partnerActions,
    [...lives].map(([action_id, life]) => ({ action_id, ...life })),
    { columns: ['action_id', ...LIFE_COLUMNS] },
  );
}

function foldLife(life: LifePart, event: LifeEvent): void {
  const on = businessDate(event);
  switch (event.type) {
    case PartnerActionProgressPosted.type:
      life.status = life.status === 'agreed' ? 'in-progress' : life.status;
      life.first_progress_on ??= event.data.on;
      life.last_progress_on = event.data.on;
      life.last_progress_note = event.data.note;
      return;
    case PartnerActionCompleted.type:
      life.status = 'completed';
      life.completed_on = on;
      life.outcome = event.data.outcome;
      return;
    case PartnerActionClosed.type:
      life.status = 'closed';
      life.closed_on = on;
      life.closure_reason = event.data.reason;
      life.closure_explanation = event.data.explanation;
      return;
    case DueDateChangeRequested.type:
      life.pending_request_id = event.data.requestId;
      life.pending_due_date = event.data.proposedDueDate;
      life.pending_reason = event.data.reason;
      life.pending_requested_on = on;
      return;
    case DueDateChangeGranted.type:
      life.granted_due_dates = [
        ...life.granted_due_dates,
        { grantedOn: on, dueDate: event.data.dueDate },
      ];
      clearPending(life);
      return;
    case DueDateChangeRefused.type:
      clearPending(life);
      return;
  }
}

function clearPending(life: LifePart): void {
  life.pending_request_id = null;
  life.pending_due_date = null;
  life.pending_reason = null;
  life.pending_requested_on = null;
}
