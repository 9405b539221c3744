import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { hashPassword } from "../../app/auth/password.server.ts";
import { createScheduler } from "../../etl/scheduler.ts";
import { registerSafetyJobs } from "../../app/ops/schedule.server.ts";
import { listBackups } from "../../app/ops/store.server.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";

/**
 * The admin page runs a backup and a restore test and shows both in the
 * history; the scheduled jobs do the same; a non-admin cannot trigger them.
 */
const PASSWORD = "Sao-Luu#2026z";
let s: TestServer;
let dir: string;
let admin: TestClient;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "csdl-bk-admin-"));
  s = await startTestServer({ BACKUP_DIR: dir, BACKUP_KEEP: "2" });
  const province = await s.db("users as u").join("units as un", "un.id", "u.unit_id").where("un.tier", "province").first("u.username");
  await s.db("users").where({ username: province.username }).update({ password_hash: await hashPassword(PASSWORD), must_change_password: false, password_changed_at: new Date() });
  const key = await enrolTotp(s.db, province.username);
  admin = new TestClient(s.adminUrl);
  await admin.login(province.username, PASSWORD);
  expect((await passMfa(admin, key)).status).toBe(302);
}, 120_000);

afterAll(async () => {
  await s?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("admin backups page", () => {
  it("runs a backup and a restore test on request and shows them", async () => {
    await admin.get("/admin/backups");
    const b = await admin.post("/admin/backups", { intent: "backup" });
    expect(b.status).toBe(200);
    expect(await b.text()).toContain("Đã sao lưu csdl-");
    expect((await listBackups(dir)).length).toBe(1);
    const r = await admin.post("/admin/backups", { intent: "restore-test" });
    const html = await r.text();
    expect(r.status).toBe(200);
    expect(html, html.match(/alert-(ok|error)[^>]*>[^<]*/)?.[0]).toContain("Kiểm tra khôi phục csdl-");
    expect(html, html.match(/KHÔNG ĐẠT[^<]*/)?.[0]).not.toContain("KHÔNG ĐẠT");
    const runs = await s.db("backup_runs").orderBy("id").select("kind", "status", "triggered_by", "details");
    expect(runs.map((x) => [x.kind, x.status])).toEqual([["backup", "ok"], ["restore_test", "ok"]]);
    expect(runs[1].details.warehouse).toMatchObject({ ok: true });
    expect(runs[0].triggered_by).toMatch(/^admin:/);
    const page = await admin.page("/admin/backups");
    expect(page).toContain("Kiểm tra khôi phục");
    expect(page).toContain("Số dòng và checksum khớp");
    const audit = await s.db("audit_log").whereIn("action", ["ops.backup", "ops.restore_test"]).pluck("action");
    expect(audit.sort()).toEqual(["ops.backup", "ops.restore_test"]);
  }, 120_000);

  it("the scheduled jobs record their runs and keep BACKUP_KEEP backups", async () => {
    const scheduler = createScheduler();
    registerSafetyJobs(scheduler, { config: s.config, db: s.db }, { info: () => {}, error: () => {} });
    expect(scheduler.list().map((j) => [j.name, j.cron])).toEqual([["backup", s.config.BACKUP_CRON], ["restore-test", s.config.RESTORE_TEST_CRON]]);
    await scheduler.runNow("backup");
    await new Promise((r) => setTimeout(r, 1100)); // backup names carry the second
    await scheduler.runNow("backup");
    await scheduler.runNow("restore-test");
    await scheduler.stop();
    expect((await listBackups(dir)).length).toBe(2);
    const last = await s.db("backup_runs").where({ triggered_by: "scheduler" }).orderBy("id").select("kind", "status");
    expect(last).toEqual([{ kind: "backup", status: "ok" }, { kind: "backup", status: "ok" }, { kind: "restore_test", status: "ok" }]);
  }, 120_000);

  it("is not reachable for a non-admin or from the public port", async () => {
    expect((await fetch(`${s.baseUrl}/admin/backups`, { method: "POST", redirect: "manual" })).status).toBe(404);
    const anon = new TestClient(s.adminUrl);
    const r = await anon.post("/admin/backups", { intent: "backup" }, { csrf: false });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toMatch(/^\/login/);
    // CSRF is required even for the admin
    expect((await admin.post("/admin/backups", { intent: "backup" }, { csrf: false })).status).toBe(403);
  });
});
