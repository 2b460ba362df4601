import type { Pool, PoolClient } from 'pg';
import { READ_MODEL_ROLE } from '@soc/platform';
import { checkProjectionName, type Projection } from './projection.js';

export interface Generation {
  projection: string;
  generation: number;
  schema: string;
  /** The fingerprint of the projection that built it (null: from before fingerprints). */
  fingerprint?: string | null;
}

/** Whether a generation was built by another shape of the projection than this code's. */
export const builtByOtherShape = (projection: Projection, generation: Generation): boolean =>
  projection.fingerprint !== undefined && generation.fingerprint !== projection.fingerprint;

/** A stable advisory-lock key per projection and purpose. */
export function projectionLockKey(name: string, purpose: 'feed' | 'setup' | 'reshape'): number {
  let hash = purpose === 'feed' ? 0x1f00 : 0x2f00;
  for (const char of `${purpose}:${name}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** Creates generation `generation` of a projection: its schema and empty tables, status building. */
export async function createGeneration(
  db: PoolClient,
  projection: Projection,
  generation: number,
  /** A rebuild creates the secondary indexes once its tables are filled. */
  { deferIndexes = false }: { deferIndexes?: boolean } = {},
): Promise<Generation> {
  const name = checkProjectionName(projection.name);
  const schema = `${name}_g${generation}`;
  await db.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
  await db.query(`CREATE SCHEMA ${quote(schema)}`);
  await projection.createTables(db, schema);
  if (!deferIndexes) await projection.createIndexes?.(db, schema);
  await protectTables(db, projection, schema);
  await db.query(
    `INSERT INTO delivery.projection_generations
       (projection, generation, schema_name, status, fingerprint)
     VALUES ($1, $2, $3, 'building', $4)
     ON CONFLICT (projection, generation) DO UPDATE
       SET status = 'building', created_at = now(), fingerprint = excluded.fingerprint`,
    [name, generation, schema, projection.fingerprint ?? null],
  );
  return { projection: name, generation, schema, fingerprint: projection.fingerprint ?? null };
}

/** Row-level security on every table queries may read: the projection's policy or no rows. */
async function protectTables(db: PoolClient, projection: Projection, schema: string) {
  await db.query(`GRANT USAGE ON SCHEMA ${quote(schema)} TO ${READ_MODEL_ROLE}`);
  for (const table of projection.tables) {
    const name = `${quote(schema)}.${quote(table)}`;
    await db.query(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`);
    await db.query(`GRANT SELECT ON ${name} TO ${READ_MODEL_ROLE}`);
    const policy = projection.readPolicies[table];
    if (policy) {
      await db.query(
        `CREATE POLICY read_scope ON ${name} FOR SELECT TO ${READ_MODEL_ROLE} USING (${policy})`,
      );
    }
  }
}

/**
 * Makes a generation the one queries read: the views in the schema `<name>` are re-pointed and the
 * previous generation retired, all in the caller's transaction, so readers switch at its commit.
 */
export async function activateGeneration(
  db: PoolClient,
  projection: Projection,
  next: Generation,
): Promise<void> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${quote(projection.name)}`);
  await db.query(`GRANT USAGE ON SCHEMA ${quote(projection.name)} TO ${READ_MODEL_ROLE}`);
  for (const table of projection.tables) {
    await db.query(`DROP VIEW IF EXISTS ${quote(projection.name)}.${quote(table)}`);
    await db.query(
      `CREATE VIEW ${quote(projection.name)}.${quote(table)} WITH (security_invoker = true)
         AS SELECT * FROM ${quote(next.schema)}.${quote(table)}`,
    );
    await db.query(
      `GRANT SELECT ON ${quote(projection.name)}.${quote(table)} TO ${READ_MODEL_ROLE}`,
    );
  }
  await db.query(
    `UPDATE delivery.projection_generations SET status = 'retired'
      WHERE projection = $1 AND status = 'active'`,
    [projection.name],
  );
  await db.query(
    `UPDATE delivery.projection_generations SET status = 'active', activated_at = now()
      WHERE projection = $1 AND generation = $2`,
    [projection.name, next.generation],
  );
}

/** The generation queries read; blocks a concurrent switch until the caller's transaction ends. */
export async function activeGeneration(db: PoolClient, name: string): Promise<Generation | null> {
  const { rows } = await db.query<{
    generation: number;
    schema_name: string;
    fingerprint: string | null;
  }>(
    `SELECT generation, schema_name, fingerprint FROM delivery.projection_generations
      WHERE projection = $1 AND status = 'active' FOR SHARE`,
    [name],
  );
  const [row] = rows;
  return row
    ? {
        projection: name,
        generation: row.generation,
        schema: row.schema_name,
        fingerprint: row.fingerprint,
      }
    : null;
}

/** Gives a projection its first generation if it has none yet; safe to call from every instance. */
export async function ensureProjection(pool: Pool, projection: Projection): Promise<Generation> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('SELECT pg_advisory_xact_lock($1)', [
      projectionLockKey(projection.name, 'setup'),
    ]);
    let active = await activeGeneration(db, projection.name);
    if (!active) {
      const { rows } = await db.query<{ next: number }>(
        `SELECT coalesce(max(generation), 0) + 1 AS next FROM delivery.projection_generations
          WHERE projection = $1`,
        [projection.name],
      );
      active = await createGeneration(db, projection, rows[0].next);
      await activateGeneration(db, projection, active);
    }
    await db.query('COMMIT');
    return active;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

/** Drops the schemas of retired generations, keeping the newest `keep` of them. */
export async function dropRetiredGenerations(
  db: PoolClient,
  name: string,
  keep = 1,
): Promise<string[]> {
  const { rows } = await db.query<{ generation: number; schema_name: string }>(
    `SELECT generation, schema_name FROM delivery.projection_generations
      WHERE projection = $1 AND status = 'retired' ORDER BY generation DESC OFFSET $2`,
    [name, keep],
  );
  for (const row of rows) {
    await db.query(`DROP SCHEMA IF EXISTS ${quote(row.schema_name)} CASCADE`);
    await db.query(
      `DELETE FROM delivery.projection_generations WHERE projection = $1 AND generation = $2`,
      [name, row.generation],
    );
  }
  return rows.map((r) => r.schema_name);
}
