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
import type { Projection } from '@soc/messaging';
import type { PoolClient } from 'pg';

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
  rows: Of<OrganisationRegisteredV1>[],
) {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO "${schema}".organisations
       (organisation_id, name, kind, registered_at, global_position)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::bigint[])
     ON CONFLICT (organisation_id) DO UPDATE
       SET name = excluded.name, kind = excluded.kind, global_position = excluded.global_position`,
    [
      rows.map((e) => e.data.organisationId),
      rows.map((e) => e.data.name),
      rows.map((e) => e.data.kind),
      rows.map((e) => e.occurredAt),
      rows.map((e) => e.globalPosition),
    ],
  );
}

/** Enrols people and counts the newly enrolled into their organisations in the same statement. */
async function enrolPeople(db: PoolClient, schema: string, rows: Of<PersonEnrolledV3>[]) {
  if (rows.length === 0) return;
  await db.query(
    `WITH enrolled AS (
       INSERT INTO "${schema}".people
         (person_id, organisation_id, display_name, roles, enrolled_at, global_position)
       SELECT p.person_id, p.organisation_id, p.display_name, string_to_array(p.roles, ','),
              p.enrolled_at, p.global_position
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::timestamptz[], $6::bigint[])
           AS p(person_id, organisation_id, display_name, roles, enrolled_at, global_position)
       ON CONFLICT (person_id) DO NOTHING
       RETURNING organisation_id)
     UPDATE "${schema}".organisations o SET people = o.people + n.count
       FROM (SELECT organisation_id, count(*) AS count FROM enrolled GROUP BY 1) n
      WHERE o.organisation_id = n.organisation_id`,
    [
      rows.map((e) => e.data.personId),
      rows.map((e) => e.data.organisationId),
      rows.map((e) => JSON.stringify(e.data.displayName)),
      rows.map((e) => e.data.roles.join(',')),
      rows.map((e) => e.occurredAt),
      rows.map((e) => e.globalPosition),
    ],
  );
}

async function changeRoles(db: PoolClient, schema: string, rows: Of<PersonRolesChangedV1>[]) {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE "${schema}".people p
        SET roles = string_to_array(c.roles, ','), global_position = c.global_position
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS c(person_id, roles, global_position)
      WHERE p.person_id = c.person_id`,
    [
      rows.map((e) => e.data.personId),
      rows.map((e) => e.data.roles.join(',')),
      rows.map((e) => e.globalPosition),
    ],
  );
}

async function markErased(db: PoolClient, schema: string, rows: Of<PersonalDataErasedV1>[]) {
  if (rows.length === 0) return;
  await db.query(
    `UPDATE "${schema}".people p SET erased_at = e.erased_at, global_position = e.global_position
       FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS e(person_id, erased_at, global_position)
      WHERE p.person_id = e.person_id`,
    [
      rows.map((e) => e.data.personId),
      rows.map((e) => e.occurredAt),
      rows.map((e) => e.globalPosition),
    ],
  );
}

/**
 * Organisations and their people. Names of people stay sealed here: they are opened (or shown
 * as erased) when a query discloses them, so an erasure takes effect at once in every view.
 */
export const directoryProjection: Projection = {
  name: 'directory',
  handles: [
    OrganisationRegistered.type,
    PersonEnrolled.type,
    PersonRolesChanged.type,
    PersonalDataErased.type,
  ],
  tables: ['organisations', 'people'],
  readPolicies: {
    organisations: 'true',
    people:
      "organisation_id = security.caller_organisation() OR security.caller_has_role('auditor')",
  },

  async createTables(db: PoolClient, schema: string) {
    await db.query(`
      CREATE TABLE "${schema}".organisations (
        organisation_id text PRIMARY KEY,
        name            text NOT NULL,
        kind            text NOT NULL,
        registered_at   timestamptz NOT NULL,
        people          integer NOT NULL DEFAULT 0,
        global_position bigint NOT NULL
      )`);
    await db.query(`
      CREATE TABLE "${schema}".people (
        person_id       text PRIMARY KEY,
        organisation_id text NOT NULL,
        display_name    jsonb NOT NULL,
        roles           text[] NOT NULL,
        enrolled_at     timestamptz NOT NULL,
        erased_at       timestamptz,
        global_position bigint NOT NULL
      )`);
  },

  async createIndexes(db: PoolClient, schema: string) {
    await db.query(`CREATE INDEX ON "${schema}".people (organisation_id, person_id)`);
  },

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
};
