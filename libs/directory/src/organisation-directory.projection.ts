import {
  OrganisationRegistered,
  type OrganisationRegisteredV1,
  PersonEnrolled,
  type PersonEnrolledV2,
} from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import type { Projection } from '@soc/messaging';
import type { PoolClient } from 'pg';

/** Organisations and their people, as the directory's events describe them. */
export const organisationDirectoryProjection: Projection = {
  name: 'directory',
  handles: [OrganisationRegistered.type, PersonEnrolled.type],
  tables: ['organisations', 'people'],

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
        display_name    text NOT NULL,
        roles           text[] NOT NULL,
        global_position bigint NOT NULL
      )`);
    await db.query(`CREATE INDEX ON "${schema}".people (organisation_id)`);
  },

  async apply(db: PoolClient, schema: string, events: readonly RecordedEvent[]) {
    const organisations = new Map<string, RecordedEvent<string, OrganisationRegisteredV1>>();
    const people = new Map<string, RecordedEvent<string, PersonEnrolledV2>>();
    for (const event of events) {
      if (event.type === OrganisationRegistered.type) {
        const e = event as RecordedEvent<string, OrganisationRegisteredV1>;
        organisations.set(e.data.organisationId, e);
      } else if (event.type === PersonEnrolled.type) {
        const e = event as RecordedEvent<string, PersonEnrolledV2>;
        people.set(e.data.personId, e);
      }
    }
    if (organisations.size > 0) {
      const rows = [...organisations.values()];
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
    if (people.size > 0) {
      const rows = [...people.values()];
      await db.query(
        `INSERT INTO "${schema}".people
           (person_id, organisation_id, display_name, roles, global_position)
         SELECT p.person_id, p.organisation_id, p.display_name,
                ARRAY(SELECT jsonb_array_elements_text(p.roles)), p.global_position
           FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bigint[])
             AS p(person_id, organisation_id, display_name, roles, global_position)
         ON CONFLICT (person_id) DO UPDATE
           SET organisation_id = excluded.organisation_id, display_name = excluded.display_name,
               roles = excluded.roles, global_position = excluded.global_position`,
        [
          rows.map((e) => e.data.personId),
          rows.map((e) => e.data.organisationId),
          rows.map((e) => e.data.displayName),
          rows.map((e) => JSON.stringify(e.data.roles)),
          rows.map((e) => e.globalPosition),
        ],
      );
      await db.query(
        `UPDATE "${schema}".organisations o
            SET people = (SELECT count(*) FROM "${schema}".people p
                           WHERE p.organisation_id = o.organisation_id)
          WHERE o.organisation_id = ANY($1::text[])`,
        [[...new Set(rows.map((e) => e.data.organisationId))]],
      );
    }
  },
};
