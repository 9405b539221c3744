import type { Db } from "../app/db/knex.server.ts";
import { EtlBusyError } from "./errors.ts";

/** Postgres advisory lock key of the ETL: one run at a time across every process. */
export const ETL_LOCK_KEY = 7_246_200;

type PgConn = { query: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the session-level advisory lock on a dedicated connection held for the
 * whole run. Without `waitMs` a second run fails at once with EtlBusyError;
 * with it, it polls until the deadline.
 */
export async function acquireEtlLock(db: Db, opts: { waitMs?: number } = {}): Promise<HeldLock> {
  const conn = (await db.client.acquireConnection()) as PgConn;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  try {
    for (;;) {
      const { rows } = await conn.query("select pg_try_advisory_lock($1) as ok", [ETL_LOCK_KEY]);
      if (rows[0]?.ok === true) break;
      if (Date.now() >= deadline) {
        const running = await conn.query(
          "select id, mode, trigger, started_at, pid, host from etl_runs where status = 'running' order by id desc limit 1",
        );
        const r = running.rows[0];
        throw new EtlBusyError(
          r
            ? `Một lượt ETL khác đang chạy (#${r.id}, ${r.mode}, ${r.trigger}, bắt đầu ${new Date(r.started_at as string).toISOString()}, pid ${r.pid}@${r.host}) / another ETL run is in progress`
            : "Một lượt ETL khác đang chạy / another ETL run is in progress",
        );
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  } catch (e) {
    await db.client.releaseConnection(conn);
    throw e;
  }
  return {
    async release() {
      try {
        await conn.query("select pg_advisory_unlock($1)", [ETL_LOCK_KEY]);
      } finally {
        await db.client.releaseConnection(conn);
      }
    },
  };
}
