import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import { isoDate } from '@soc/platform';
import {
  type AccessContext,
  type AccessLogEntry,
  decide,
  enforce,
  isErased,
  openInScope,
  PersonalDataCipher,
  processingOf,
  PurposeRequiredError,
  RecordNotFoundError,
} from '@soc/security';
import type { PoolClient } from 'pg';
import { standing } from '../referral/referral.js';
import { referralDescriptor } from '../referral/referral-record.js';
import { referralSummaryAt } from '../referrals-projection/referral-summary.js';
import type { ReferralNoteRow, ReferralRow } from '../referrals-projection/referral-tables.js';
import { ReferralViewReader, rowsOf } from '../referrals-projection/referral-view-reader.js';
import type {
  ReferralPersonalDataView,
  ReferralView,
  SubjectIdentifierView,
} from './referral-detail.dto.js';

/** One referral, as the caller may see it. */
export class GetReferralQuery extends Query<ReferralView> {
  constructor(
    readonly access: AccessContext,
    readonly referralId: string,
    /** X-Purpose: needed when the caller may read the personal data. */
    readonly purpose: string | null,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

interface SubjectNames {
  readonly given: string;
  readonly family: string;
  readonly alsoKnownAs: string[];
}

/** A value as opened: null when absent or erased. */
const plain = <T>(value: unknown): T | null =>
  value === null || value === undefined || isErased(value) ? null : (value as T);

/**
 * Everyone the policy lets read the referral gets its status, concerns, urgency and dates. Only
 * safeguarding officers of the referring and receiving organisations and auditors get whom it is
 * about: they must state a purpose, the values are opened here (never stored in the clear), and
 * the consultation or disclosure is logged in the same transaction. While a restriction stands,
 * only auditors do (DPA 2018, s. 47), and every reader sees the restriction.
 */
@QueryHandler(GetReferralQuery)
export class GetReferralHandler implements IQueryHandler<GetReferralQuery> {
  constructor(
    private readonly views: ReferralViewReader,
    private readonly cipher: PersonalDataCipher,
  ) {}

  execute({ access, referralId, purpose, consistency }: GetReferralQuery): Promise<ReferralView> {
    const stated = { ...access, purpose };
    return this.views.read(
      stated,
      consistency,
      async (db, moment) => {
        const [row] = await rowsOf<ReferralRow>(
          db,
          `SELECT row_to_json(r) AS row FROM safeguarding.referrals r WHERE referral_id = $1`,
          [referralId.toLowerCase()],
        );
        if (!row) throw new RecordNotFoundError('referral', referralId);
        const descriptor = referralDescriptor(row.referral_id, {
          referringOrganisationId: row.referring_organisation_id,
          receivingOrganisationId: row.receiving_organisation_id,
          threatOrganisationIds: row.threat_organisation_ids,
        });
        enforce(access.principal, 'referral:read', descriptor);
        const restriction = standing(row.restriction, isoDate(moment.now)) ? row.restriction : null;
        const view = {
          ...referralSummaryAt(row, moment),
          disclosureBasis: row.disclosure_basis,
          planActionId: row.plan_action_id,
          subjectErasedAt: row.subject_erased_at,
          restriction,
        };
        const personal = restriction ? 'referral-restricted-subject:read' : 'referral-subject:read';
        if (!decide(access.principal, personal, descriptor).allowed) {
          return { ...view, personalData: null };
        }
        if (!purpose) throw new PurposeRequiredError();
        return { ...view, personalData: await this.open(db, stated, row) };
      },
      (view) => disclosure(stated, view),
    );
  }

  private async open(
    db: PoolClient,
    access: AccessContext,
    row: ReferralRow,
  ): Promise<ReferralPersonalDataView> {
    const notes = await rowsOf<ReferralNoteRow>(
      db,
      `SELECT row_to_json(n) AS row FROM safeguarding.referral_notes n
        WHERE referral_id = $1 ORDER BY added_at, global_position`,
      [row.referral_id],
    );
    const opened = await openInScope(this.cipher, db, access, {
      subject: row.subject,
      account: row.account,
      declineExplanation: row.decline_explanation,
      withdrawalExplanation: row.withdrawal_explanation,
      closureExplanation: row.closure_explanation,
      restrictionExplanation: row.restriction_explanation,
      notes: notes.map((note) => note.text),
    });
    const names = plain<SubjectNames>(opened.subject.names);
    return {
      subjectId: row.subject_id,
      erased: isErased(opened.subject.names),
      givenName: names?.given ?? null,
      familyName: names?.family ?? null,
      alsoKnownAs: names?.alsoKnownAs ?? [],
      dateOfBirth: plain<string>(opened.subject.dateOfBirth),
      address: plain<string>(opened.subject.address),
      otherIdentifiers: plain<SubjectIdentifierView[]>(opened.subject.otherIdentifiers) ?? [],
      account: plain<string>(opened.account),
      declineExplanation: plain<string>(opened.declineExplanation),
      withdrawalExplanation: plain<string>(opened.withdrawalExplanation),
      closureExplanation: plain<string>(opened.closureExplanation),
      restrictionExplanation: plain<string>(opened.restrictionExplanation),
      notes: notes.map((note, i) => ({
        noteId: note.note_id,
        addedByPersonId: note.added_by_person_id,
        addedByOrganisationId: note.added_by_organisation_id,
        addedAt: note.added_at,
        text: plain<string>(opened.notes[i]),
      })),
    };
  }
}

/**
 * Consultation by the referring or receiving organisation; disclosure to any other (an auditor).
 * A read of an erased subject discloses nothing of them, so it is not logged against them.
 */
function disclosure(access: AccessContext, view: ReferralView): AccessLogEntry[] {
  if (!view.personalData || view.personalData.erased) return [];
  const own = access.principal.organisationId;
  const holds = own === view.referringOrganisationId || own === view.receivingOrganisationId;
  return [
    {
      ...processingOf(access, holds ? own : view.referringOrganisationId),
      recordType: 'referral',
      recordId: view.referralId,
      subjectIds: [view.personalData.subjectId],
    },
  ];
}
