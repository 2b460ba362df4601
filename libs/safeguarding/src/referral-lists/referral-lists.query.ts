import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import { REFERRAL_STATUSES, type ReferralStatus } from '../referral/referral.js';
import { overdueFirst } from '../referral-deadlines/acknowledgement-deadline.js';
import { referralSummaryAt } from '../referrals-projection/referral-summary.js';
import type { ReferralRow } from '../referrals-projection/referral-tables.js';
import { ReferralViewReader, rowsOf } from '../referrals-projection/referral-view-reader.js';
import type {
  ReferralCountsView,
  ReferralListParams,
  ReferralListView,
  ReferralStatusCounts,
  ThreatReferralsView,
} from './referral-lists.dto.js';

/** The receiving organisation's inbox, or the referring organisation's sent list. */
export type ReferralList = 'inbox' | 'sent';

export class ListReferralsQuery extends Query<ReferralListView> {
  constructor(
    readonly access: AccessContext,
    readonly list: ReferralList,
    readonly params: ReferralListParams,
  ) {
    super();
  }
}

export class GetThreatReferralsQuery extends Query<ThreatReferralsView> {
  constructor(
    readonly access: AccessContext,
    readonly threatId: string,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

export class CountReferralsQuery extends Query<ReferralCountsView> {
  constructor(
    readonly access: AccessContext,
    readonly params: ReferralListParams,
  ) {
    super();
  }
}

/**
 * The inbox: referrals overdue for acknowledgement first (longest overdue first), then those
 * still awaiting an answer, then by urgency, newest first. The sent list: newest first, overdue
 * ones flagged where they fall. Row-level security keeps both to what the caller's organisation
 * may see.
 */
const LISTS: Record<ReferralList, { column: string; order: string; overdueFirst: boolean }> = {
  inbox: {
    column: 'receiving_organisation_id',
    order: `(status IN ('submitted', 'acknowledged')) DESC, urgency_rank, raised_at DESC`,
    overdueFirst: true,
  },
  sent: { column: 'referring_organisation_id', order: 'raised_at DESC', overdueFirst: false },
};

const SELECT = 'SELECT row_to_json(r) AS row FROM safeguarding.referrals r';

@QueryHandler(ListReferralsQuery)
export class ListReferralsHandler implements IQueryHandler<ListReferralsQuery> {
  constructor(private readonly views: ReferralViewReader) {}

  execute({ access, list, params }: ListReferralsQuery): Promise<ReferralListView> {
    const { status, organisationId = access.principal.organisationId, ...consistency } = params;
    const { column, order, overdueFirst: flaggedFirst } = LISTS[list];
    return this.views.read(access, consistency, async (db, moment) => {
      const rows = await rowsOf<ReferralRow>(
        db,
        `${SELECT} WHERE ${column} = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY ${order}, referral_id`,
        [organisationId, status ?? null],
      );
      const referrals = rows.map((row) => referralSummaryAt(row, moment));
      return { organisationId, referrals: flaggedFirst ? referrals.sort(overdueFirst) : referrals };
    });
  }
}

/** The referrals on a threat the caller's organisation may see, without personal data. */
@QueryHandler(GetThreatReferralsQuery)
export class GetThreatReferralsHandler implements IQueryHandler<GetThreatReferralsQuery> {
  constructor(private readonly views: ReferralViewReader) {}

  execute({ access, threatId, consistency }: GetThreatReferralsQuery) {
    return this.views.read(access, consistency, async (db, moment) => {
      const rows = await rowsOf<ReferralRow>(
        db,
        `${SELECT} WHERE threat_id = $1 ORDER BY raised_at DESC, referral_id`,
        [threatId.toLowerCase()],
      );
      return { threatId, referrals: rows.map((row) => referralSummaryAt(row, moment)) };
    });
  }
}

const zeroCounts = (): ReferralStatusCounts =>
  Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, 0])) as unknown as ReferralStatusCounts;

/** How many referrals an organisation received and made, by status. */
@QueryHandler(CountReferralsQuery)
export class CountReferralsHandler implements IQueryHandler<CountReferralsQuery> {
  constructor(private readonly views: ReferralViewReader) {}

  execute({ access, params }: CountReferralsQuery): Promise<ReferralCountsView> {
    const { organisationId = access.principal.organisationId, ...consistency } = params;
    return this.views.read(access, consistency, async (db) => {
      const { rows } = await db.query<{ side: ReferralList; status: ReferralStatus; n: string }>(
        `SELECT CASE WHEN receiving_organisation_id = $1 THEN 'inbox' ELSE 'sent' END AS side,
                status, count(*) AS n
           FROM safeguarding.referrals
          WHERE receiving_organisation_id = $1 OR referring_organisation_id = $1
          GROUP BY 1, 2`,
        [organisationId],
      );
      const received = zeroCounts();
      const sent = zeroCounts();
      for (const { side, status, n } of rows) {
        (side === 'inbox' ? received : sent)[status] = Number(n);
      }
      return { organisationId, received, sent };
    });
  }
}

export const referralListHandlers = [
  ListReferralsHandler,
  GetThreatReferralsHandler,
  CountReferralsHandler,
];
