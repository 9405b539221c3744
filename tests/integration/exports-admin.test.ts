import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import ExcelJS from "exceljs";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";
import { seedDashboardData, loadWarehouse, type DashFixture } from "./dashboards-fixture.ts";
import type { WarehouseService } from "../../warehouse/service.ts";

/** /admin/exports over HTTP: create a schedule, run it now, see the history, download the file. */
let s: TestServer;
let wh: WarehouseService;
let fx: DashFixture;
let admin: TestClient;

beforeAll(async () => {
  s = await startTestServer();
  fx = await seedDashboardData(s.db);
  wh = await loadWarehouse(s.db);
  (s.platform.services as { warehouse?: unknown }).warehouse = wh;
  const name = (await s.db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "province").first("u.username")).username;
  const first = new TestClient(s.adminUrl);
  await first.loginAndSetPassword(name, TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
  const key = await enrolTotp(s.db, name, s.config.APP_SECRET);
  admin = new TestClient(s.adminUrl);
  await admin.login(name, STRONG_PASSWORD);
  expect((await passMfa(admin, key)).status).toBe(302);
}, 240_000);
afterAll(async () => {
  await s?.stop();
  await wh?.close();
});

describe("admin scheduled exports page", () => {
  it("refuses a bad cron with a clear message", async () => {
    await admin.get("/admin/exports");
    const r = await admin.post("/admin/exports", { intent: "create", name: "Sai lịch", unitId: String(fx.provinceId), periodType: "year", cron: "61 * * * * *", formats: ["xlsx"] });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain("Biểu thức cron không hợp lệ");
  });

  it("creates a schedule, runs it now, lists the run and serves its files", async () => {
    await admin.get("/admin/exports");
    const c = await admin.post("/admin/exports", { intent: "create", name: "Báo cáo năm", unitId: String(fx.provinceId), periodType: "year", cron: "0 6 1 1 *", formats: ["xlsx", "pdf"] });
    expect(c.status).toBe(200);
    const sched = await s.db("export_schedules").where({ name: "Báo cáo năm" }).first();
    expect(sched).toMatchObject({ cron: "0 6 1 1 *", formats: ["xlsx", "pdf"], enabled: true });
    await admin.get("/admin/exports");
    const run = await admin.post("/admin/exports", { intent: "run", id: String(sched.id) });
    expect(await run.text()).toContain("Đã xuất xong");
    const page = await admin.page("/admin/exports");
    const link = page.match(/href="(\/admin\/exports\/\d+\/[^"]+\.xlsx)"/)?.[1];
    expect(link).toBeTruthy();
    const file = await admin.get(link!.replace(/&amp;/g, "&"));
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await file.arrayBuffer()) as never);
    expect(wb.worksheets.length).toBeGreaterThan(3);
    // the file exists under EXPORT_DIR; a traversal name is not served
    expect((await admin.get(link!.replace(/\/[^/]+$/, "/..%2F..%2Fetc%2Fpasswd"))).status).toBe(404);
    expect(await fs.readdir(s.config.EXPORT_DIR, { recursive: true })).toEqual(expect.arrayContaining([expect.stringMatching(/\.xlsx$/), expect.stringMatching(/\.pdf$/)]));
    // the public listener has no admin pages
    expect((await fetch(`${s.baseUrl}${link}`, { redirect: "manual" })).status).toBe(404);
  });

  it("a failed run shows as failed on the history page", async () => {
    const [id] = await s.db("export_schedules").insert({ name: "Báo cáo tháng", unit_id: fx.provinceId, period_type: "month", formats: ["xlsx"], cron: "0 6 1 * *" }).returning("id");
    await admin.get("/admin/exports");
    const run = await admin.post("/admin/exports", { intent: "run", id: String(id.id) });
    expect(await run.text()).toContain("thất bại");
    const page = await admin.page("/admin/exports");
    expect(page).toContain("Thất bại");
    expect(page).toContain("Thử lại lúc");
  });
});
