import { column, defineTable, type RowOf } from '@soc/messaging';

/*
 * The 4P actions of the threats' plans on a page, one row each, for the partner's view of its
 * own actions beside those meetings agreed. Dates are business dates (`YYYY-MM-DD`).
 *
 * Row-level security: the organisation owning the action, and the auditors.
 */
const PLAN_ACTION_POLICY = `owner_organisation_id = security.caller_organisation()
  OR security.caller_has_role('auditor')`;

export const planActions = defineTable('plan_actions', {
  columns: {
    action_id: column.text(),
    threat_id: column.text(),
    code_name: column.text(),
    category: column.text(),
    description: column.text(),
    owner_person_id: column.text(),
    owner_organisation_id: column.text(),
    due_date: column.date(),
    /** proposed, agreed, in-progress, done or cancelled, as the threat's stream stands now. */
    status: column.text(),
    proposed_on: column.date(),
    agreed_on: column.date().orNull(),
    started_on: column.date().orNull(),
    last_progress_on: column.date().orNull(),
    last_progress_note: column.text().orNull(),
    completed_on: column.date().orNull(),
    outcome: column.text().orNull(),
    cancelled_on: column.date().orNull(),
    cancellation_reason: column.text().orNull(),
    global_position: column.bigint(),
  },
  primaryKey: ['action_id'],
  indexes: [['owner_organisation_id'], ['threat_id']],
  readPolicy: PLAN_ACTION_POLICY,
});

export type PlanActionRow = RowOf<typeof planActions>;
