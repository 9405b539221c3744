import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { createTestDb, type TestDb } from "../setup/db.ts";
import { seedDashboardData, loadWarehouse, type DashFixture } from "./dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";
import { loadConfig } from "../../app/platform/config.server.ts";
import type { AppServices } from "../../app/platform/services.ts";
import { exportFilePath, exportTick, registerExportJobs, runExport } from "../../app/api/export-jobs.server.ts";
import { isDue, retryDelayMs } from "../../app/api/export-due.ts";
import { createScheduler } from "../../etl/scheduler.ts";

let t: TestDb;
let wh: WarehouseService;
let fx: DashFixture;
let dir: string;
let services: AppServices;
beforeAll(async () => {
  t = await createTestDb();
  fx = await seedDashboardData(t.db);
  wh = await loadWarehouse(t.db);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "csdl-exports-"));
  services = { config: loadConfig({ NODE_ENV: "test", DATA_DIR: dir, EXPORT_DIR: dir }), db: t.db, warehouse: wh, startedAt: new Date() } as AppServices;
});
afterAll(async () => {
  await wh?.close();
  await t?.drop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("when a scheduled export is due", () => {
  it("follows the cron after the last run; disabled never runs", () => {
    const s = { cron: "0 6 1 * *", enabled: true, createdAt: new Date(2026, 0, 15) };
    expect(isDue(s, null, new Date(2026, 1, 1, 5, 59))).toBe(false);
    expect(isDue(s, null, new Date(2026, 1, 1, 6, 0))).toBe(true);
    expect(isDue(s, new Date(2026, 1, 1, 6, 0), new Date(2026, 1, 20))).toBe(false);
    expect(isDue({ ...s, enabled: false }, null, new Date(2027, 0, 1))).toBe(false);
    expect([1, 2, 3].map(retryDelayMs)).toEqual([300_000, 900_000, 2_700_000]);
  });
});

describe("scheduled exports", () => {
  it("writes the period report (XLSX and PDF) for the latest locked period and records the files", async () => {
    const [s] = await t.db("export_schedules").insert({ name: "Báo cáo năm toàn tỉnh", unit_id: fx.provinceId, period_type: "year", formats: ["xlsx", "pdf"], cron: "* * * * *" }).returning("id");
    const out = await exportTick(services, new Date(Date.now() + 120_000));
    expect(out.started).toHaveLength(1);
    const run = await t.db("export_runs").where({ id: out.started[0] }).first();
    expect(run).toMatchObject({ schedule_id: s.id, status: "succeeded", period_code: "2024", attempt: 1 });
    expect(run.files.map((f: { format: string }) => f.format)).toEqual(["xlsx", "pdf"]);
    const xlsxPath = (await exportFilePath(services, run.id, run.files[0].name))!;
    expect(xlsxPath.startsWith(dir)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsxPath);
    const text: string[] = [];
    wb.worksheets[0].eachRow((r) => text.push(String(r.values)));
    expect(text.join("\n")).toContain("Năm 2024");
    expect(text.join("\n")).toContain("Số liệu tính đến ngày");
    expect(wb.worksheets.map((w) => w.name)).toContain("Tỷ lệ hộ nghèo theo huyện");
    const pdf = await fs.readFile((await exportFilePath(services, run.id, run.files[1].name))!);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // nothing else is served: names not recorded for the run, or escaping the folder
    expect(await exportFilePath(services, run.id, "../../etc/passwd")).toBeNull();
    expect(await exportFilePath(services, run.id + 999, run.files[0].name)).toBeNull();
    // not due again until the next tick of its cron
    expect((await exportTick(services, new Date(run.started_at))).started).toEqual([]);
  });

  it("a failing export is recorded as failed, retried with back-off, and stops after max attempts", async () => {
    const [s] = await t.db("export_schedules").insert({ name: "Báo cáo quý", unit_id: fx.provinceId, period_type: "quarter", formats: ["xlsx"], cron: "0 0 1 1 *", max_attempts: 2 }).returning("id");
    const first = await runExport(services, s.id);
    expect(first.status).toBe("failed");
    const r1 = await t.db("export_runs").where({ id: first.runId }).first();
    expect(r1.status).toBe("failed");
    expect(r1.error).toContain("Chưa có kỳ");
    expect(r1.next_retry_at).not.toBeNull();
    // not yet: the retry waits for its back-off
    expect((await exportTick(services, new Date())).retried).toEqual([]);
    const later = new Date(Date.now() + retryDelayMs(1) + 1000);
    const tick = await exportTick(services, later);
    expect(tick.retried).toHaveLength(1);
    const r2 = await t.db("export_runs").where({ id: tick.retried[0] }).first();
    expect(r2).toMatchObject({ schedule_id: s.id, attempt: 2, status: "failed", next_retry_at: null });
    expect((await exportTick(services, new Date(Date.now() + 86_400_000))).retried).toEqual([]);
  });

  it("registers one minute job with the platform scheduler", async () => {
    const sch = createScheduler();
    registerExportJobs(sch, services);
    expect(sch.list().map((j) => [j.name, j.cron])).toEqual([["exports", "* * * * *"]]);
    await sch.runNow("exports");
    expect(sch.list()[0].lastError).toBeNull();
    await sch.stop();
  });
});
