import type { Db } from "../app/db/knex.server.ts";

type PgConn = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/** A bound query straight through node-postgres ($1… placeholders; arrays bind as Postgres arrays). */
export async function pgQuery<T = Record<string, unknown>>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  const conn = (await db.client.acquireConnection()) as PgConn;
  try {
    return (await conn.query(sql, params)).rows as T[];
  } finally {
    await db.client.releaseConnection(conn);
  }
}
