import type { DisclosureBasis, RestrictionGround, SealedPersonalData } from '@soc/contracts';
import { column, defineTable, type RowOf } from '@soc/messaging';

/*
 * The safeguarding projection's tables. Personal data stays as it is in the events: sealed under
 * the subject's key (ciphertext in jsonb); a query opens it only for a caller the policy allows,
 * and logs that it did. Timestamps are ISO 8601 (business time: the events' occurredAt).
 *
 * Row-level security. A referral: its referring and receiving organisations, the organisations
 * holding its threat (the owner and the LRO's), the auditors. A note: the referring and receiving
 * organisations and the auditors only. A threat's organisations: those organisations and auditors.
 */
const REFERRAL_POLICY = `referring_organisation_id = security.caller_organisation()
  OR receiving_organisation_id = security.caller_organisation()
  OR security.caller_organisation() = ANY (threat_organisation_ids)
  OR security.caller_has_role('auditor')`;
const NOTE_POLICY = `referring_organisation_id = security.caller_organisation()
  OR receiving_organisation_id = security.caller_organisation()
  OR security.caller_has_role('auditor')`;
const THREAT_POLICY = `security.caller_organisation() = ANY (organisation_ids)
  OR security.caller_has_role('auditor')`;

/** The subject's sealed values, as the referral's event carries them. */
export interface SealedSubject {
  readonly names: SealedPersonalData;
  readonly dateOfBirth: SealedPersonalData | null;
  readonly address: SealedPersonalData | null;
  readonly otherIdentifiers: SealedPersonalData | null;
}

/** The restriction that was made and not lifted: it stands until its last day is past. */
export interface RestrictionColumn {
  readonly ground: RestrictionGround;
  readonly until: string;
  readonly restrictedByPersonId: string;
  readonly restrictedByOrganisationId: string;
  readonly restrictedAt: string;
}

/** One row per referral, written by its own stream; `threat_organisation_ids` by its threat's. */
export const referrals = defineTable('referrals', {
  columns: {
    referral_id: column.text(),
    threat_id: column.text(),
    plan_action_id: column.text().orNull(),
    referring_organisation_id: column.text(),
    referring_person_id: column.text(),
    receiving_organisation_id: column.text(),
    /** Who holds the threat: its owner and its LRO's organisation, from the threats context. */
    threat_organisation_ids: column.textArray().default(`'{}'`),
    concerns: column.textArray(),
    urgency: column.text(),
    /** 0 immediate, 1 urgent, 2 standard: the inbox sorts by it. */
    urgency_rank: column.integer(),
    status: column.text(),
    disclosure_basis: column.jsonb<DisclosureBasis>(),
    subject_id: column.text(),
    subject: column.jsonb<SealedSubject>(),
    account: column.jsonb<SealedPersonalData>(),
    raised_at: column.timestamptz(),
    acknowledged_at: column.timestamptz().orNull(),
    accepted_at: column.timestamptz().orNull(),
    declined_at: column.timestamptz().orNull(),
    decline_reason: column.text().orNull(),
    decline_explanation: column.jsonb<SealedPersonalData>().orNull(),
    withdrawn_at: column.timestamptz().orNull(),
    withdrawal_reason: column.text().orNull(),
    withdrawal_explanation: column.jsonb<SealedPersonalData>().orNull(),
    closed_at: column.timestamptz().orNull(),
    outcome: column.text().orNull(),
    closure_reason: column.text().orNull(),
    closure_explanation: column.jsonb<SealedPersonalData>().orNull(),
    note_count: column.integer(),
    /** When the subject's key was destroyed: the sealed values above no longer open. */
    subject_erased_at: column.timestamptz().orNull(),
    restriction: column.jsonb<RestrictionColumn>().orNull(),
    restriction_explanation: column.jsonb<SealedPersonalData>().orNull(),
    last_changed_at: column.timestamptz(),
    stream_version: column.integer(),
    global_position: column.bigint(),
  },
  primaryKey: ['referral_id'],
  indexes: [
    ['receiving_organisation_id', 'urgency_rank', 'raised_at DESC'],
    ['referring_organisation_id', 'raised_at DESC'],
    ['threat_id'],
  ],
  readPolicy: REFERRAL_POLICY,
});

export const referralNotes = defineTable('referral_notes', {
  columns: {
    note_id: column.text(),
    referral_id: column.text(),
    referring_organisation_id: column.text(),
    receiving_organisation_id: column.text(),
    added_by_person_id: column.text(),
    added_by_organisation_id: column.text(),
    added_at: column.timestamptz(),
    text: column.jsonb<SealedPersonalData>(),
    global_position: column.bigint(),
  },
  primaryKey: ['note_id'],
  indexes: [['referral_id', 'added_at']],
  readPolicy: NOTE_POLICY,
});

/** What the safeguarding context learns of a threat from the threats context: who holds it. */
export const referralThreats = defineTable('referral_threats', {
  columns: {
    threat_id: column.text(),
    owner_organisation_id: column.text(),
    lro_organisation_id: column.text(),
    organisation_ids: column.textArray(),
    global_position: column.bigint(),
  },
  primaryKey: ['threat_id'],
  readPolicy: THREAT_POLICY,
});

export type ReferralRow = RowOf<typeof referrals>;
export type ReferralNoteRow = RowOf<typeof referralNotes>;
export type ReferralThreatRow = RowOf<typeof referralThreats>;
