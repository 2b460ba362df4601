import { column, defineTable, type RowOf } from '@soc/messaging';

/*
 * The meeting pack's own tables in the meetings projection. Each row is fed by one stream only:
 * an item by its meeting's, a threat's summary by the threat's.
 *
 * Row-level security. An intelligence item with handling code P: every organisation of its
 * meeting; with handling code C only those it may go to; the chair's organisation, the one that
 * shared it and the auditors see both. A threat's summary: whom the threats context shows the
 * threat to (its owner, the LRO's organisation, an organisation it is shared with unless it is
 * OFFICIAL-SENSITIVE, the ROCU's moderators, the auditors).
 */
const ITEM_POLICY = `chair_organisation_id = security.caller_organisation()
  OR shared_by_organisation_id = security.caller_organisation()
  OR (handling = 'P' AND security.caller_organisation() = ANY (meeting_organisation_ids))
  OR (handling = 'C' AND security.caller_organisation() = ANY (may_go_to))
  OR security.caller_has_role('auditor')`;
const THREAT_POLICY = `owner_organisation_id = security.caller_organisation()
  OR lro_organisation_id = security.caller_organisation()
  OR (marking = 'OFFICIAL' AND security.caller_organisation() = ANY (shared_with))
  OR security.caller_has_role('rocta-moderator')
  OR security.caller_has_role('auditor')`;

/** Intelligence shared at a meeting, with its 3x5x2 grading. */
export const intelligenceItems = defineTable('intelligence_items', {
  columns: {
    item_id: column.text(),
    meeting_id: column.text(),
    chair_organisation_id: column.text(),
    /** The chair's and the invited organisations, kept current as more are invited. */
    meeting_organisation_ids: column.textArray(),
    threat_id: column.text().orNull(),
    summary: column.text(),
    source: column.integer(),
    intelligence: column.text(),
    handling: column.text(),
    conditions: column.text().orNull(),
    may_go_to: column.textArray(),
    shared_by_person_id: column.text(),
    shared_by_organisation_id: column.text(),
    shared_on: column.date(),
    global_position: column.bigint(),
  },
  primaryKey: ['item_id'],
  indexes: [['meeting_id']],
  readPolicy: ITEM_POLICY,
});

/** A MoRiLE assessment's total, on its business date. */
export interface AssessedScore {
  readonly assessmentId: string;
  readonly assessedOn: string;
  readonly totalScore: number;
  readonly moderationStatus: 'unmoderated' | 'moderated' | 'returned';
}

/** What a meeting pack shows of an agenda threat, folded from the threats context's events. */
export const threatSummaries = defineTable('threat_summaries', {
  columns: {
    threat_id: column.text(),
    owner_organisation_id: column.text(),
    lro_organisation_id: column.text(),
    shared_with: column.textArray(),
    marking: column.text(),
    code_name: column.text(),
    /** Oldest first, as recorded. */
    assessments: column.jsonb<AssessedScore[]>(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id'],
  readPolicy: THREAT_POLICY,
});

export type IntelligenceItemRow = RowOf<typeof intelligenceItems>;
export type ThreatSummaryRow = RowOf<typeof threatSummaries>;
