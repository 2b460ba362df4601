import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ConsistencyQuery } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import { ThreatViewReader } from '../threats-projection/threat-view-reader.js';
import type { ThreatCountsView } from './threat-counts.dto.js';

/** The regional count of threats per owner organisation, as of the end of a date (UTC). */
export class CountThreatsQuery extends Query<ThreatCountsView> {
  constructor(
    readonly access: AccessContext,
    /** `YYYY-MM-DD`; today when left out. */
    readonly asOf: string | undefined,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

/**
 * The regional counting rule, as of the end of `asOf` (UTC): tactical, moderated, SOC, not
 * tier 5, not closed, each threat taken in the state its last event before then left it.
 */
@QueryHandler(CountThreatsQuery)
export class CountThreatsHandler implements IQueryHandler<CountThreatsQuery> {
  constructor(private readonly views: ThreatViewReader) {}

  execute({ access, asOf, consistency }: CountThreatsQuery): Promise<ThreatCountsView> {
    return this.views.read(access, consistency, async (db, today) => {
      const date = asOf ?? today.date;
      const { rows } = await db.query<{ organisation_id: string; count: number }>(
        `SELECT owner_organisation_id AS organisation_id, count(*)::int AS count
           FROM (SELECT DISTINCT ON (threat_id)
                        owner_organisation_id, type, moderation_status, soc, tier, phase
                   FROM threats.threat_states
                  WHERE valid_from < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
                  ORDER BY threat_id, valid_from DESC, global_position DESC) AS state
          WHERE type = 'tactical' AND moderation_status = 'moderated' AND soc
            AND tier <> 5 AND phase <> 'closed'
          GROUP BY owner_organisation_id
          ORDER BY owner_organisation_id`,
        [date],
      );
      const byOrganisation = rows.map((r) => ({
        organisationId: r.organisation_id,
        count: r.count,
      }));
      return {
        asOf: date,
        total: byOrganisation.reduce((sum, r) => sum + r.count, 0),
        byOrganisation,
      };
    });
  }
}
