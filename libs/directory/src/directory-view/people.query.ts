import { Injectable } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ConsistencyQuery, DeliveryRuntime } from '@soc/messaging';
import {
  type AccessContext,
  type AccessLogEntry,
  enforce,
  isErased,
  openInScope,
  PersonalDataCipher,
  processingOf,
  RecordNotFoundError,
  ScopedReader,
} from '@soc/security';
import type { PoolClient } from 'pg';
import { organisationDescriptor } from '../organisation/organisation-record.js';
import { personSubject } from '../person/person.js';
import { directoryProjection } from './directory.projection.js';
import type { PersonView } from './directory-view.dto.js';

interface PersonRow {
  person_id: string;
  organisation_id: string;
  display_name: unknown;
  roles: string[];
  erased_at: Date | null;
  global_position: string;
}

type PeopleFilter = { organisationId: string } | { personId: string };

async function selectPeople(db: PoolClient, filter: PeopleFilter): Promise<PersonRow[]> {
  const organisationId = 'organisationId' in filter ? filter.organisationId : null;
  const personId = 'personId' in filter ? filter.personId : null;
  const { rows } = await db.query<PersonRow>(
    `SELECT person_id, organisation_id, display_name, roles, erased_at, global_position
       FROM directory.people
      WHERE ($1::text IS NULL OR organisation_id = $1) AND ($2::text IS NULL OR person_id = $2)
      ORDER BY organisation_id, person_id LIMIT 1000`,
    [organisationId, personId],
  );
  return rows;
}

async function openPeople(
  cipher: PersonalDataCipher,
  db: PoolClient,
  access: AccessContext,
  rows: PersonRow[],
): Promise<PersonView[]> {
  const names = await openInScope(
    cipher,
    db,
    access,
    rows.map((row) => row.display_name),
  );
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

const disclosure = (access: AccessContext, person: PersonView): AccessLogEntry => ({
  ...processingOf(access, person.organisationId),
  recordType: 'person',
  recordId: person.personId,
  subjectIds: person.erased ? [] : [personSubject(person.personId)],
});

/**
 * Reads people as the caller (row-level security). Their names are opened only here, and each
 * disclosure is logged with the caller's purpose; an erased person's name is gone from every read.
 */
@Injectable()
export class PeopleReader {
  constructor(
    private readonly reader: ScopedReader,
    private readonly cipher: PersonalDataCipher,
    private readonly delivery: DeliveryRuntime,
  ) {}

  async read(
    access: AccessContext,
    consistency: ConsistencyQuery,
    filter: PeopleFilter,
  ): Promise<PersonView[]> {
    await this.delivery.waitForConsistency(directoryProjection.name, consistency);
    return this.reader.read(
      access,
      async (db) => openPeople(this.cipher, db, access, await selectPeople(db, filter)),
      (people) => people.map((person) => disclosure(access, person)),
    );
  }
}

export class ListPeople extends Query<PersonView[]> {
  constructor(
    readonly access: AccessContext,
    readonly consistency: ConsistencyQuery,
    readonly organisationId: string,
  ) {
    super();
  }
}

/** The people of one organisation: refused (403) to callers of another, who may know it exists. */
@QueryHandler(ListPeople)
export class ListPeopleHandler implements IQueryHandler<ListPeople> {
  constructor(private readonly people: PeopleReader) {}

  execute({ access, consistency, organisationId }: ListPeople): Promise<PersonView[]> {
    enforce(access.principal, 'person:read', organisationDescriptor(organisationId), {
      existenceIsPublic: true,
    });
    return this.people.read(access, consistency, { organisationId });
  }
}

export class GetPerson extends Query<PersonView> {
  constructor(
    readonly access: AccessContext,
    readonly consistency: ConsistencyQuery,
    readonly personId: string,
  ) {
    super();
  }
}

/** One person: 404 alike for one never enrolled and one the caller may not see. */
@QueryHandler(GetPerson)
export class GetPersonHandler implements IQueryHandler<GetPerson> {
  constructor(private readonly people: PeopleReader) {}

  async execute({ access, consistency, personId }: GetPerson): Promise<PersonView> {
    const [person] = await this.people.read(access, consistency, { personId });
    if (!person) throw new RecordNotFoundError('person', personId);
    return person;
  }
}
