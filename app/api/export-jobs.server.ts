import fs from "node:fs/promises";
import path from "node:path";
import type { AppServices } from "../platform/services.ts";
import { buildScope } from "../scope/scope.ts";
import type { Tier } from "../auth/roles.ts";
import { writeAudit } from "../audit/audit.server.ts";
import { queryFreshness } from "../../warehouse/query/index.ts";
import { loadCatalogue } from "../../dashboards/catalogue.ts";
import { buildDashboardContext } from "../../dashboards/build-context.ts";
import { defaultDashboardFor } from "../../dashboards/registry.ts";
import { buildPeriodReport } from "../../dashboards/report.server.ts";
import { contentDisposition } from "../../dashboards/export/formats.ts";
import { warehouseOf } from "./warehouse.server.ts";
import { reportBytes } from "./export-response.server.ts";
import { periodReferenceDate, withDemoFlags } from "./periods.server.ts";
import { isDue, retryDelayMs } from "./export-due.ts";

/**
 * Scheduled report exports. A schedule names a unit, a period type and
 * formats; each run reports on the latest LOCKED period of that type that
 * the warehouse already holds (so it runs after the period is locked and
 * ETL has loaded it), writes the files under EXPORT_DIR/<year>/ and records
 * them in export_runs. A failed run is recorded as failed and retried with
 * back-off as a new attempt, up to the schedule's max_attempts.
 */
export interface ExportFile {
  name: string;
  format: string;
  bytes: number;
}

interface ScheduleRow {
  id: number;
  name: string;
  unit_id: number;
  period_type: string;
  formats: string[];
  cron: string;
  enabled: boolean;
  max_attempts: number;
  created_at: Date;
}

export class ExportJobError extends Error {
  override name = "ExportJobError";
}

function exportDir(services: AppServices): string {
  return path.resolve(services.config.EXPORT_DIR);
}

/** A file of a run, resolved safely inside EXPORT_DIR (null when it is not one of the run's files). */
export async function exportFilePath(services: AppServices, runId: number, name: string): Promise<string | null> {
  const run = await services.db("export_runs").where({ id: runId }).first("files");
  const files = (run?.files ?? []) as (ExportFile & { rel: string })[];
  const f = files.find((x) => x.name === name);
  if (!f) return null;
  const root = exportDir(services);
  const full = path.resolve(root, f.rel);
  return full.startsWith(root + path.sep) ? full : null;
}

async function latestLockedPeriod(services: AppServices, type: string): Promise<{ code: string } | null> {
  const known = new Set((await loadCatalogue(warehouseOf(services))).periods.map((p) => p.code));
  const rows = await services.db("periods").where({ type, status: "locked" }).orderBy("start_date", "desc").limit(20).select("code");
  return rows.find((r) => known.has(r.code)) ?? null;
}

/** Run one export now (attempt n); never throws: the outcome is in export_runs. */
export async function runExport(services: AppServices, scheduleId: number, opts: { attempt?: number; requestedBy?: number | null; periodCode?: string } = {}): Promise<{ runId: number; status: "succeeded" | "failed"; error?: string }> {
  const { db } = services;
  const s = (await db("export_schedules").where({ id: scheduleId }).first()) as ScheduleRow | undefined;
  if (!s) throw new ExportJobError(`Không có lịch xuất #${scheduleId}`);
  const [run] = await db("export_runs")
    .insert({ schedule_id: s.id, unit_id: s.unit_id, status: "running", attempt: opts.attempt ?? 1, requested_by: opts.requestedBy ?? null })
    .returning("id");
  const runId = Number(run.id);
  try {
    const unit = await db("units").where({ id: s.unit_id }).first("id", "name", "path", "tier", "sector_domains");
    if (!unit) throw new ExportJobError("Đơn vị của lịch xuất không còn tồn tại");
    const period = opts.periodCode ? { code: opts.periodCode } : await latestLockedPeriod(services, s.period_type);
    if (!period) throw new ExportJobError(`Chưa có kỳ loại "${s.period_type}" đã khóa sổ và đã nạp vào kho dữ liệu`);
    await db("export_runs").where({ id: runId }).update({ period_code: period.code });
    const wh = warehouseOf(services);
    // the report is produced with the schedule unit's own scope (as its account would see it)
    const scope = buildScope({ userId: 0, username: `export:${s.id}`, unitId: unit.id, unitPath: unit.path, tier: unit.tier as Tier, roles: ["viewer"], sectorDomains: unit.sector_domains ?? [] });
    const dashboard = defaultDashboardFor(unit.tier);
    const cat = await loadCatalogue(wh);
    cat.periods = await withDemoFlags(db, cat.periods);
    const ctx = buildDashboardContext({ filters: { period: period.code, unit: unit.id, eth: null, domain: null }, ...cat, unit: { id: unit.id, tier: unit.tier }, sectorDomains: unit.sector_domains ?? [] });
    if (ctx.period?.code !== period.code) throw new ExportJobError(`Kỳ ${period.code} chưa có trong kho dữ liệu`);
    const fresh = await queryFreshness(wh);
    const report = await buildPeriodReport(wh, scope, dashboard, ctx, {
      unitName: unit.name,
      referenceDate: await periodReferenceDate(db, period.code),
      dataAsOf: fresh.loadedAt,
      generatedBy: `Lịch xuất tự động: ${s.name}`,
    });
    const year = new Date().getFullYear();
    const dir = path.join(exportDir(services), String(year));
    await fs.mkdir(dir, { recursive: true });
    const files: (ExportFile & { rel: string })[] = [];
    for (const format of s.formats) {
      if (format !== "xlsx" && format !== "pdf") throw new ExportJobError(`Định dạng báo cáo không hỗ trợ: ${format}`);
      const bytes = await reportBytes(report, format);
      const safe = /filename="([^"]+)"/.exec(contentDisposition(`${s.name} ${period.code}`, format))![1];
      const name = `${runId}-${safe}`;
      const tmp = path.join(dir, `.${name}.part`);
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, path.join(dir, name)); // a half-written file never appears under its name
      files.push({ name, format, bytes: bytes.byteLength, rel: path.join(String(year), name) });
    }
    await db("export_runs").where({ id: runId }).update({ status: "succeeded", finished_at: db.fn.now(), files: JSON.stringify(files), error: null });
    await writeAudit(db, { action: "export.succeeded", targetType: "export_run", targetId: runId, details: { schedule: s.id, period: period.code, files: files.map((f) => f.name) } });
    return { runId, status: "succeeded" };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const attempt = opts.attempt ?? 1;
    const retry = attempt < s.max_attempts ? new Date(Date.now() + retryDelayMs(attempt)) : null;
    await db("export_runs").where({ id: runId }).update({ status: "failed", finished_at: db.fn.now(), error: msg.slice(0, 2000), next_retry_at: retry });
    await writeAudit(db, { action: "export.failed", targetType: "export_run", targetId: runId, details: { schedule: s.id, attempt, error: msg.slice(0, 500), retryAt: retry } });
    return { runId, status: "failed", error: msg };
  }
}

/**
 * The minute tick: start due schedules and retry failed runs whose time has
 * come. A retried run is marked (next_retry_at cleared) before the new
 * attempt starts, so two ticks never retry it twice.
 */
export async function exportTick(services: AppServices, now = new Date()): Promise<{ started: number[]; retried: number[] }> {
  const { db } = services;
  const started: number[] = [];
  const retried: number[] = [];
  const schedules = (await db("export_schedules").where({ enabled: true }).select()) as ScheduleRow[];
  for (const s of schedules) {
    const last = await db("export_runs").where({ schedule_id: s.id, attempt: 1 }).orderBy("started_at", "desc").first("started_at");
    if (isDue({ cron: s.cron, enabled: s.enabled, createdAt: new Date(s.created_at) }, last ? new Date(last.started_at) : null, now)) {
      const r = await runExport(services, s.id);
      started.push(r.runId);
    }
  }
  const failed = await db("export_runs").where({ status: "failed" }).whereNotNull("next_retry_at").where("next_retry_at", "<=", now).select("id", "schedule_id", "attempt", "period_code");
  for (const f of failed) {
    const claimed = await db("export_runs").where({ id: f.id }).whereNotNull("next_retry_at").update({ next_retry_at: null });
    if (!claimed || !f.schedule_id) continue;
    const r = await runExport(services, f.schedule_id, { attempt: f.attempt + 1, periodCode: f.period_code ?? undefined });
    retried.push(r.runId);
  }
  return { started, retried };
}

/**
 * For the lead, at start-up: register the export job with the platform's
 * scheduler (etl/scheduler.ts). One job ticking every minute reads the
 * schedules from the database, so edits on /admin/exports apply at once.
 */
export function registerExportJobs(scheduler: { add(name: string, cron: string | null, fn: () => Promise<unknown>): void }, services: AppServices): void {
  scheduler.add("exports", "* * * * *", () => exportTick(services));
}
