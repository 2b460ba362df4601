import type { PoolClient } from 'pg';

/** Rows as the projection wrote them, read back as JSON. */
export async function jsonRows<Row>(
  db: PoolClient,
  sql: string,
  params: unknown[],
): Promise<Row[]> {
  const { rows } = await db.query<{ row: Row }>(sql, params);
  return rows.map((r) => r.row);
}
