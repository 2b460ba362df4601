import { Injectable } from '@nestjs/common';
import { DeliveryRuntime, ConsistencyQuery } from '@soc/messaging';
import {
  type AccessContext,
  type AccessLogEntry,
  enforce,
  isErased,
  PersonalDataCipher,
  processingOf,
  RecordNotFoundError,
  ScopedReader,
} from '@soc/security';
import type { PoolClient } from 'pg';
import type { OrganisationView, PersonView } from '../directory.dto.js';
import { personSubject } from '../person/person.js';
import { directoryProjection } from './directory.projection.js';

interface OrganisationRow {
  organisation_id: string;
  name: string;
  kind: string;
  people: number;
  global_position: string;
}

interface PersonRow {
  person_id: string;
  organisation_id: string;
  display_name: unknown;
  roles: string[];
  erased_at: Date | null;
  global_position: string;
}

const toOrganisation = (row: OrganisationRow): OrganisationView => ({
  organisationId: row.organisation_id,
  name: row.name,
  kind: row.kind,
  people: row.people,
  globalPosition: Number(row.global_position),
});

/**
 * The directory's read side. Every query runs as the caller (row-level security); names of people
 * are opened only here, and each disclosure is logged with the caller's purpose.
 */
@Injectable()
export class DirectoryReads {
  constructor(
    private readonly reader: ScopedReader,
    private readonly cipher: PersonalDataCipher,
    private readonly delivery: DeliveryRuntime,
  ) {}

  async organisations(
    access: AccessContext,
    consistency: ConsistencyQuery,
    organisationId?: string,
  ): Promise<OrganisationView[]> {
    await this.consistent(consistency);
    return this.reader.read(access, async (db) => {
      const { rows } = await db.query<OrganisationRow>(
        `SELECT organisation_id, name, kind, people, global_position FROM directory.organisations
          WHERE $1::text IS NULL OR organisation_id = $1 ORDER BY name, organisation_id`,
        [organisationId ?? null],
      );
      return rows.map(toOrganisation);
    });
  }

  async people(
    access: AccessContext,
    consistency: ConsistencyQuery,
    filter: { organisationId?: string; personId?: string },
  ): Promise<PersonView[]> {
    if (filter.organisationId) {
      enforce(
        access.principal,
        'person:read',
        {
          type: 'organisation',
          id: filter.organisationId,
          ownerOrganisationId: filter.organisationId,
        },
        { existenceIsPublic: true },
      );
    }
    await this.consistent(consistency);
    return this.reader.read(
      access,
      async (db) => this.openPeople(await selectPeople(db, filter)),
      (people) => people.map((person) => disclosure(access, person)),
    );
  }

  async person(
    access: AccessContext,
    consistency: ConsistencyQuery,
    personId: string,
  ): Promise<PersonView> {
    const [person] = await this.people(access, consistency, { personId });
    if (!person) throw new RecordNotFoundError('person', personId);
    return person;
  }

  private async openPeople(rows: PersonRow[]): Promise<PersonView[]> {
    const names = await this.cipher.open(rows.map((row) => row.display_name));
    return rows.map((row, i) => {
      const name = names[i];
      const erased = row.erased_at !== null || isErased(name);
      return {
        personId: row.person_id,
        organisationId: row.organisation_id,
        displayName: erased || typeof name !== 'string' ? null : name,
        erased,
        roles: row.roles,
        globalPosition: Number(row.global_position),
      };
    });
  }

  private async consistent({ minPosition, waitMs }: ConsistencyQuery): Promise<void> {
    if (minPosition === undefined) return;
    await this.delivery.waitFor(directoryProjection.name, minPosition, waitMs ?? 5000);
  }
}

async function selectPeople(
  db: PoolClient,
  { organisationId, personId }: { organisationId?: string; personId?: string },
): Promise<PersonRow[]> {
  const { rows } = await db.query<PersonRow>(
    `SELECT person_id, organisation_id, display_name, roles, erased_at, global_position
       FROM directory.people
      WHERE ($1::text IS NULL OR organisation_id = $1) AND ($2::text IS NULL OR person_id = $2)
      ORDER BY organisation_id, person_id LIMIT 1000`,
    [organisationId ?? null, personId ?? null],
  );
  return rows;
}

const disclosure = (access: AccessContext, person: PersonView): AccessLogEntry => ({
  ...processingOf(access, person.organisationId),
  recordType: 'person',
  recordId: person.personId,
  subjectIds: person.erased ? [] : [personSubject(person.personId)],
});
