import type { Knex } from "knex";
import type { AppServices } from "../platform/services.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { createBackup } from "./backup.server.ts";
import { runRestoreTestOn, type RestoreTestReport, type WarehouseRebuildCheck } from "./restore-test.server.ts";
import { listBackups } from "./store.server.ts";
import { finishRun, startRun } from "./runs.server.ts";
import { BackupError } from "./manifest.ts";
import { loadWarehouseCheck } from "./warehouse-check.server.ts";

/**
 * The two scheduled jobs (BACKUP_CRON, RESTORE_TEST_CRON), also run from the
 * CLI and the admin page. Each records a backup_runs row and an audit line;
 * neither throws for an operational failure (the row says "failed").
 */
export type JobServices = Pick<AppServices, "config" | "db"> & { warehouseCheck?: WarehouseRebuildCheck };

export function databaseUrlOf(db: Knex): string {
  const c = db.client.config.connection as string | { connectionString?: string };
  const url = typeof c === "string" ? c : c?.connectionString;
  if (!url) throw new BackupError("Không xác định được chuỗi kết nối của cơ sở dữ liệu.");
  return url;
}

export interface JobOutcome<T> {
  ok: boolean;
  runId: number;
  result?: T;
  error?: string;
}

export async function runBackup(
  services: JobServices,
  opts: { triggeredBy?: string; log?: (l: string) => void } = {},
): Promise<JobOutcome<{ name: string; path: string; rows: number; bytes: number; pruned: string[] }>> {
  const { db, config } = services;
  const triggeredBy = opts.triggeredBy ?? "scheduler";
  const runId = await startRun(db, "backup", triggeredBy);
  try {
    const r = await createBackup(databaseUrlOf(db), { dir: config.BACKUP_DIR, keep: config.BACKUP_KEEP, log: opts.log });
    const m = r.manifest;
    await finishRun(db, runId, {
      ok: true, backupName: m.name, schemaVersion: m.schemaVersion, totalRows: m.totals.rows, bytes: m.totals.compressedBytes,
      details: { tables: m.tables.map((t) => ({ name: t.name, rows: t.rows })), auditHead: m.auditHead, pruned: r.pruned, path: r.path },
    });
    await writeAudit(db, { action: "ops.backup", actorUsername: triggeredBy, targetType: "backup", targetId: m.name, details: { rows: m.totals.rows, pruned: r.pruned } });
    return { ok: true, runId, result: { name: m.name, path: r.path, rows: m.totals.rows, bytes: m.totals.compressedBytes, pruned: r.pruned } };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await finishRun(db, runId, { ok: false, error });
    await writeAudit(db, { action: "ops.backup_failed", actorUsername: triggeredBy, details: { error: error.slice(0, 500) } }).catch(() => {});
    return { ok: false, runId, error };
  }
}

export async function runRestoreTest(
  services: JobServices,
  opts: { triggeredBy?: string; backup?: string; log?: (l: string) => void } = {},
): Promise<JobOutcome<RestoreTestReport>> {
  const { db, config } = services;
  const triggeredBy = opts.triggeredBy ?? "scheduler";
  const runId = await startRun(db, "restore_test", triggeredBy);
  try {
    const backups = await listBackups(config.BACKUP_DIR);
    const chosen = opts.backup ? backups.find((b) => b.name === opts.backup) : backups[0];
    if (!chosen) throw new BackupError(opts.backup ? `Không tìm thấy bản sao lưu ${opts.backup}` : `Chưa có bản sao lưu nào trong ${config.BACKUP_DIR}`);
    const warehouse = services.warehouseCheck ?? (await loadWarehouseCheck(undefined, opts.log));
    const report = await runRestoreTestOn(databaseUrlOf(db), chosen.path, { warehouse, log: opts.log });
    const totalRows = report.tables.reduce((s, t) => s + t.rows, 0);
    await finishRun(db, runId, {
      ok: report.ok,
      backupName: report.backupName,
      schemaVersion: report.schemaVersion,
      totalRows,
      details: {
        tables: report.tables,
        failedTables: report.failedTables,
        audit: { ok: report.audit.ok, checked: report.audit.checked, firstBroken: report.audit.firstBroken },
        warehouse: report.warehouse ?? { skipped: "no warehouse rebuild check configured" },
        triggerBypass: report.triggerBypass,
        durationMs: report.durationMs,
      },
      error: report.ok ? null : describeFailure(report),
    });
    await writeAudit(db, { action: report.ok ? "ops.restore_test" : "ops.restore_test_failed", actorUsername: triggeredBy, targetType: "backup", targetId: report.backupName, details: { ok: report.ok, failedTables: report.failedTables } });
    return { ok: report.ok, runId, result: report, error: report.ok ? undefined : describeFailure(report) };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    await finishRun(db, runId, { ok: false, error });
    await writeAudit(db, { action: "ops.restore_test_failed", actorUsername: triggeredBy, details: { error: error.slice(0, 500) } }).catch(() => {});
    return { ok: false, runId, error };
  }
}

function describeFailure(r: RestoreTestReport): string {
  const parts: string[] = [];
  if (r.failedTables.length) parts.push(`bảng sai số dòng/checksum: ${r.failedTables.join(", ")}`);
  if (!r.audit.ok) parts.push(`chuỗi nhật ký hỏng tại id ${r.audit.firstBroken?.id}`);
  if (r.warehouse && !r.warehouse.ok) parts.push(`kho dữ liệu: ${r.warehouse.error ?? "tổng không khớp"}`);
  return parts.join("; ");
}
