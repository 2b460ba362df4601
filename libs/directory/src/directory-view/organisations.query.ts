import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import { type AccessContext, RecordNotFoundError, ScopedReader } from '@soc/security';
import { directoryProjection } from './directory.projection.js';
import type { OrganisationView } from './directory-view.dto.js';

interface OrganisationRow {
  organisation_id: string;
  name: string;
  kind: string;
  people: number;
  global_position: string;
}

const toOrganisation = (row: OrganisationRow): OrganisationView => ({
  organisationId: row.organisation_id,
  name: row.name,
  kind: row.kind,
  people: row.people,
  globalPosition: Number(row.global_position),
});

/** Organisations are not personal data: anyone with a role reads them, and no read is logged. */
async function readOrganisations(
  reader: ScopedReader,
  access: AccessContext,
  organisationId: string | null,
): Promise<OrganisationView[]> {
  return reader.read(access, async (db) => {
    const { rows } = await db.query<OrganisationRow>(
      `SELECT o.organisation_id, o.name, o.kind, COALESCE(c.people, 0) AS people, o.global_position
         FROM directory.organisations o
         LEFT JOIN directory.enrolment_counts c USING (organisation_id)
        WHERE $1::text IS NULL OR o.organisation_id = $1 ORDER BY o.name, o.organisation_id`,
      [organisationId],
    );
    return rows.map(toOrganisation);
  });
}

export class ListOrganisations extends Query<OrganisationView[]> {
  constructor(
    readonly access: AccessContext,
    readonly consistency: ConsistencyQuery,
  ) {
    super();
  }
}

@QueryHandler(ListOrganisations)
export class ListOrganisationsHandler implements IQueryHandler<ListOrganisations> {
  constructor(
    private readonly reader: ScopedReader,
    private readonly delivery: DeliveryRuntime,
  ) {}

  async execute({ access, consistency }: ListOrganisations): Promise<OrganisationView[]> {
    await this.delivery.waitForConsistency(directoryProjection.name, consistency);
    return readOrganisations(this.reader, access, null);
  }
}

export class GetOrganisation extends Query<OrganisationView> {
  constructor(
    readonly access: AccessContext,
    readonly consistency: ConsistencyQuery,
    readonly organisationId: string,
  ) {
    super();
  }
}

@QueryHandler(GetOrganisation)
export class GetOrganisationHandler implements IQueryHandler<GetOrganisation> {
  constructor(
    private readonly reader: ScopedReader,
    private readonly delivery: DeliveryRuntime,
  ) {}

  async execute({ access, consistency, organisationId }: GetOrganisation) {
    await this.delivery.waitForConsistency(directoryProjection.name, consistency);
    const [organisation] = await readOrganisations(this.reader, access, organisationId);
    if (!organisation) throw new RecordNotFoundError('organisation', organisationId);
    return organisation;
  }
}
