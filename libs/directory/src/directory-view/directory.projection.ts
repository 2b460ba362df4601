import {
  OrganisationRegistered,
  type OrganisationRegisteredV1,
  PersonalDataErased,
  type PersonalDataErasedV1,
  PersonEnrolled,
  type PersonEnrolledV3,
  PersonRolesChanged,
  type PersonRolesChangedV1,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import {
  column,
  defineProjection,
  defineTable,
  insertRows,
  updateRows,
  upsertRows,
} from '@soc/messaging';
import type { PoolClient } from 'pg';

const organisations = defineTable('organisations', {
  columns: {
    organisation_id: column.text(),
    name: column.text(),
    kind: column.text(),
    registered_at: column.timestamptz(),
    global_position: column.bigint(),
  },
  primaryKey: ['organisation_id'],
  readPolicy: 'true',
});

/**
 * People enrolled per organisation, counted as they enrol. Apart from `organisations` because
 * over Kafka a person's stream may be applied before (or while) their organisation's is: the
 * first writer creates the row, and concurrent counts add up.
 */
const enrolmentCounts = defineTable('enrolment_counts', {
  columns: {
    organisation_id: column.text(),
    people: column.integer(),
  },
  primaryKey: ['organisation_id'],
  readPolicy: 'true',
});

const people = defineTable('people', {
  columns: {
    person_id: column.text(),
    organisation_id: column.text(),
    /** Sealed: opened (or found erased) when a query discloses it. */
    display_name: column.jsonb(),
    roles: column.textArray(),
    enrolled_at: column.timestamptz(),
    erased_at: column.timestamptz().orNull(),
    global_position: column.bigint(),
  },
  primaryKey: ['person_id'],
  indexes: [['organisation_id', 'person_id']],
  readPolicy:
    "organisation_id = security.caller_organisation() OR security.caller_has_role('auditor')",
});

type Of<T> = RecordedEvent<string, T>;

/** The last event per key: a batch may carry several for the same row; the newest wins. */
function latestBy<T>(events: readonly RecordedEvent[], type: string, key: (data: T) => string) {
  const latest = new Map<string, Of<T>>();
  for (const event of events) {
    if (event.type === type) latest.set(key(event.data as T), event as Of<T>);
  }
  return [...latest.values()];
}

async function registerOrganisations(
  db: PoolClient,
  schema: string,
  events: Of<OrganisationRegisteredV1>[],
) {
  await upsertRows(
    db,
    schema,
    organisations,
    events.map((e) => ({
      organisation_id: e.data.organisationId,
      name: e.data.name,
      kind: e.data.kind,
      registered_at: e.occurredAt,
      global_position: e.globalPosition ?? 0,
    })),
    {
      columns: ['organisation_id', 'name', 'kind', 'registered_at', 'global_position'],
      update: ['name', 'kind', 'global_position'],
    },
  );
}

/** Enrols people and counts the newly enrolled into their organisations. */
async function enrolPeople(db: PoolClient, schema: string, events: Of<PersonEnrolledV3>[]) {
  const enrolled = await insertRows(
    db,
    schema,
    people,
    events.map((e) => ({
      person_id: e.data.personId,
      organisation_id: e.data.organisationId,
      display_name: e.data.displayName,
      roles: [...e.data.roles],
      enrolled_at: e.occurredAt,
      erased_at: null,
      global_position: e.globalPosition ?? 0,
    })),
  );
  const counts = new Map<string, number>();
  for (const person of enrolled) {
    counts.set(person.organisation_id, (counts.get(person.organisation_id) ?? 0) + 1);
  }
  await upsertRows(
    db,
    schema,
    enrolmentCounts,
    [...counts].map(([organisation_id, count]) => ({ organisation_id, people: count })),
    { add: ['people'] },
  );
}

async function changeRoles(db: PoolClient, schema: string, events: Of<PersonRolesChangedV1>[]) {
  await updateRows(
    db,
    schema,
    people,
    events.map((e) => ({
      person_id: e.data.personId,
      roles: [...e.data.roles],
      global_position: e.globalPosition ?? 0,
    })),
    { match: ['person_id'], set: ['roles', 'global_position'] },
  );
}

async function markErased(db: PoolClient, schema: string, events: Of<PersonalDataErasedV1>[]) {
  await updateRows(
    db,
    schema,
    people,
    events.map((e) => ({
      person_id: e.data.personId,
      erased_at: e.occurredAt,
      global_position: e.globalPosition ?? 0,
    })),
    { match: ['person_id'], set: ['erased_at', 'global_position'] },
  );
}

/**
 * Organisations and their people. Names of people stay sealed here: they are opened (or shown
 * as erased) when a query discloses them, so an erasure takes effect at once in every view.
 */
export const directoryProjection = defineProjection({
  name: 'directory',
  handles: [
    OrganisationRegistered.type,
    PersonEnrolled.type,
    PersonRolesChanged.type,
    PersonalDataErased.type,
  ],
  tables: [organisations, people, enrolmentCounts],

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    await registerOrganisations(
      db,
      schema,
      latestBy<OrganisationRegisteredV1>(
        events,
        OrganisationRegistered.type,
        (d) => d.organisationId,
      ),
    );
    await enrolPeople(
      db,
      schema,
      latestBy<PersonEnrolledV3>(events, PersonEnrolled.type, (d) => d.personId),
    );
    await changeRoles(
      db,
      schema,
      latestBy<PersonRolesChangedV1>(events, PersonRolesChanged.type, (d) => d.personId),
    );
    await markErased(
      db,
      schema,
      latestBy<PersonalDataErasedV1>(events, PersonalDataErased.type, (d) => d.personId),
    );
  },
});
