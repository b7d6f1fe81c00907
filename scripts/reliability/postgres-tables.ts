/** Tables of their own for each run of the reliability suite on a PostgreSQL server, dropped after. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** A table prefix no other run or test uses. */
export const freshPrefix = () => `rel_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Drops every table (and function) whose name starts with the prefix. */
export async function dropTables(pool: pg.Pool, prefix: string): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE $1`, [`${prefix}\\_%`]);
  for (const { name } of rows) await pool.query(`DROP TABLE IF EXISTS "${name}" CASCADE`);
  await pool.query(`DROP FUNCTION IF EXISTS ${prefix}_log_outbox() CASCADE`);
}
