import type { Knex } from "knex";

/** backup_runs: what the admin page shows about backups and restore tests. */
export type RunKind = "backup" | "restore_test";

export interface RunRow {
  id: number;
  kind: RunKind;
  status: "running" | "ok" | "failed";
  started_at: Date;
  finished_at: Date | null;
  backup_name: string | null;
  schema_version: string | null;
  total_rows: number | null;
  bytes: number | null;
  triggered_by: string | null;
  details: Record<string, unknown>;
  error: string | null;
}

export async function startRun(db: Knex, kind: RunKind, triggeredBy: string): Promise<number> {
  const [row] = await db("backup_runs").insert({ kind, status: "running", triggered_by: triggeredBy }).returning("id");
  return Number(typeof row === "object" ? row.id : row);
}

export async function finishRun(
  db: Knex,
  id: number,
  r: { ok: boolean; backupName?: string | null; schemaVersion?: string | null; totalRows?: number | null; bytes?: number | null; details?: Record<string, unknown>; error?: string | null },
): Promise<void> {
  await db("backup_runs")
    .where({ id })
    .update({
      status: r.ok ? "ok" : "failed",
      finished_at: db.fn.now(),
      backup_name: r.backupName ?? null,
      schema_version: r.schemaVersion ?? null,
      total_rows: r.totalRows ?? null,
      bytes: r.bytes ?? null,
      details: JSON.stringify(r.details ?? {}),
      error: r.error ? r.error.slice(0, 2000) : null,
    });
}

export async function recentRuns(db: Knex, limit = 30): Promise<RunRow[]> {
  return db("backup_runs").orderBy("id", "desc").limit(limit);
}

export async function lastRun(db: Knex, kind: RunKind, status?: "ok" | "failed"): Promise<RunRow | undefined> {
  const q = db("backup_runs").where({ kind });
  if (status) q.andWhere({ status });
  return q.orderBy("id", "desc").first();
}
