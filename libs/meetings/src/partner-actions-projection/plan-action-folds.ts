import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProgressRecorded,
  ActionProposed,
  ActionStarted,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import { loadRows, upsertRows } from '@soc/messaging';
import type { PoolClient } from 'pg';
import { businessDate, position, type Recorded } from './folded-events.js';
import { threatSummaries } from './meeting-pack-tables.js';
import { type PlanActionRow, planActions } from './plan-action-tables.js';

const PLAN_ACTION_EVENTS = [
  ActionProposed,
  ActionAgreed,
  ActionStarted,
  ActionCompleted,
  ActionCancelled,
  ActionProgressRecorded,
];
type PlanActionEvent = Recorded<(typeof PLAN_ACTION_EVENTS)[number]>;
const planActionTypes = new Set<string>(PLAN_ACTION_EVENTS.map((e) => e.type));

/**
 * The plans' 4P actions, one row each, from the threats context's events. A threat's events are
 * one stream, so they come in order: each row is the fold of its stored state and the batch's
 * events, whole rows written, whatever the batching. The code name is the threat's summary's,
 * applied before (it never changes); an action of a threat the projection never saw registered is
 * left out, as its summary is.
 */
export async function applyPlanActionEvents(
  db: PoolClient,
  schema: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const own = events.filter((e): e is PlanActionEvent => planActionTypes.has(e.type));
  if (own.length === 0) return;
  const threatIds = [...new Set(own.map((e) => e.data.threatId))];
  const actionIds = [...new Set(own.map((e) => e.data.actionId))];
  const summaries = await loadRows(
    db,
    schema,
    threatSummaries,
    threatIds.map((threat_id) => ({ threat_id })),
  );
  const loaded = await loadRows(
    db,
    schema,
    planActions,
    actionIds.map((action_id) => ({ action_id })),
  );
  const codeNames = new Map(summaries.map((s) => [s.threat_id, s.code_name]));
  const rows = new Map(loaded.map((row) => [row.action_id, row]));
  const changed = new Set<string>();
  for (const event of own) {
    const { actionId, threatId } = event.data;
    const codeName = codeNames.get(threatId);
    if (event.type === ActionProposed.type) {
      if (codeName !== undefined) rows.set(actionId, proposed(event, codeName));
    } else {
      const row = rows.get(actionId);
      if (!row) continue;
      foldPlanAction(row, event);
      row.global_position = position(event);
    }
    if (rows.has(actionId)) changed.add(actionId);
  }
  await upsertRows(
    db,
    schema,
    planActions,
    [...changed].map((id) => rows.get(id)!),
  );
}

function proposed(event: Recorded<typeof ActionProposed>, codeName: string): PlanActionRow {
  const { data } = event;
  return {
    action_id: data.actionId,
    threat_id: data.threatId,
    code_name: codeName,
    category: data.category,
    description: data.description,
    owner_person_id: data.owner.personId,
    owner_organisation_id: data.owner.organisationId,
    due_date: data.dueDate,
    status: 'proposed',
    proposed_on: businessDate(event),
    agreed_on: null,
    started_on: null,
    last_progress_on: null,
    last_progress_note: null,
    completed_on: null,
    outcome: null,
    cancelled_on: null,
    cancellation_reason: null,
    global_position: position(event),
  };
}

function foldPlanAction(row: PlanActionRow, event: PlanActionEvent): void {
  const on = businessDate(event);
  switch (event.type) {
    case ActionAgreed.type:
      row.status = 'agreed';
      row.agreed_on = on;
      return;
    case ActionStarted.type:
      row.status = 'in-progress';
      row.started_on = on;
      return;
    case ActionCompleted.type:
      row.status = 'done';
      row.completed_on = on;
      row.outcome = event.data.outcome;
      return;
    case ActionCancelled.type:
      row.status = 'cancelled';
      row.cancelled_on = on;
      row.cancellation_reason = event.data.reason;
      return;
    case ActionProgressRecorded.type:
      row.last_progress_on = event.data.on;
      row.last_progress_note = event.data.note;
      return;
  }
}
