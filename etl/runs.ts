import os from "node:os";
import type { Db } from "../app/db/knex.server.ts";

/** The Postgres record of ETL runs (table etl_runs, migration 200). */
export type EtlMode = "incremental" | "full";
export type EtlTrigger = "cli" | "schedule" | "approval" | "startup" | "admin" | "bench" | "test";

export interface EtlCounts {
  rowsRead: number;
  factsWritten: number;
  factsRetracted: number;
  factsReplaced: number;
  submissionsChanged: number;
  checksPassed: number;
  checksFailed: number;
}

export async function startRun(db: Db, mode: EtlMode, trigger: EtlTrigger): Promise<number> {
  // We hold the lock: a row still "running" belongs to a process that died (kill -9).
  await db("etl_runs")
    .where({ status: "running" })
    .update({ status: "failed", finished_at: db.fn.now(), error: "Tiến trình ETL bị dừng giữa chừng / run interrupted (process ended)" });
  const [row] = await db("etl_runs").insert({ mode, trigger, status: "running", host: os.hostname(), pid: process.pid }).returning("id");
  return Number((row as { id: number }).id);
}

export async function finishRun(
  db: Db,
  id: number,
  outcome: { status: "succeeded" | "failed"; mode: EtlMode; counts: EtlCounts; ms: number; watermarkFrom: Date | null; watermarkTo: Date | null; error?: string; details?: unknown },
): Promise<void> {
  const c = outcome.counts;
  await db("etl_runs")
    .where({ id })
    .update({
      status: outcome.status,
      mode: outcome.mode,
      finished_at: db.fn.now(),
      duration_ms: Math.round(outcome.ms),
      rows_read: c.rowsRead,
      facts_written: c.factsWritten,
      facts_retracted: c.factsRetracted,
      submissions_changed: c.submissionsChanged,
      checks_passed: c.checksPassed,
      checks_failed: c.checksFailed,
      watermark_from: outcome.watermarkFrom,
      watermark_to: outcome.watermarkTo,
      error: outcome.error ?? null,
      details: JSON.stringify(outcome.details ?? {}),
    });
}

export interface EtlRunRow {
  id: number;
  mode: EtlMode;
  trigger: EtlTrigger;
  status: "running" | "succeeded" | "failed";
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  rows_read: number;
  facts_written: number;
  facts_retracted: number;
  submissions_changed: number;
  checks_passed: number;
  checks_failed: number;
  watermark_to: Date | null;
  error: string | null;
  details: unknown;
}

export async function listRuns(db: Db, limit = 50): Promise<EtlRunRow[]> {
  return db("etl_runs").orderBy("id", "desc").limit(limit).select("*");
}
