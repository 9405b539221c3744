import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";
import { enrolTotp, passMfa } from "./security-helpers.ts";

/** Account administration through the admin interface (admin port, admin role, second factor). */
let s: TestServer;
let admin: TestClient;

async function idOf(username: string): Promise<number> {
  return (await s.db("users").where({ username }).first("id")).id;
}

beforeAll(async () => {
  s = await startTestServer();
  admin = new TestClient(s.adminUrl);
  await admin.loginAndSetPassword("bandantoctinh", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
  const key = await enrolTotp(s.db, "bandantoctinh", s.config.APP_SECRET);
  // a fresh sign-in with the factor enrolled
  admin = new TestClient(s.adminUrl);
  await admin.login("bandantoctinh", STRONG_PASSWORD);
  await passMfa(admin, key);
});
afterAll(async () => s?.stop());

describe("account administration over HTTP", () => {
  it("lists and searches accounts by unit name, letter alias or username", async () => {
    expect(await admin.page("/admin/accounts?q=Nam+Tu%E1%BA%A5n")).toContain("huyenhoaan.xanamtuan");
    expect(await admin.page("/admin/accounts?q=Th%E1%BB%AD+D%E1%BB%A5c")).toContain("Xã Thể Dục"); // the 2022 letter's spelling finds the official unit
    const communes = await admin.page("/admin/accounts?tier=commune");
    expect(communes).toContain("161 tài khoản");
  });

  it("records the responsible official with history, and keeps what was typed when input is bad", async () => {
    const id = await idOf("huyenhoaan.xanamtuan");
    await admin.get(`/admin/accounts/${id}`);
    const bad = await admin.post(`/admin/accounts/${id}`, { intent: "official", full_name: "Nông Văn A", email: "not-an-email" });
    expect(bad.status).toBe(400);
    const body = await bad.text();
    expect(body).toContain("Địa chỉ thư điện tử không hợp lệ");
    expect(body).toContain('value="Nông Văn A"');
    for (const name of ["Nông Văn A", "Hoàng Thị B"]) {
      const r = await admin.post(`/admin/accounts/${id}`, { intent: "official", full_name: name, title: "Công chức VH-XH", phone: "0206 3852 123", email: "a@caobang.gov.vn", handover_date: "2026-11-20" });
      expect(r.status).toBe(200);
    }
    const rows = await s.db("account_officials").where({ user_id: id }).orderBy("id");
    expect(rows.map((r) => r.full_name)).toEqual(["Nông Văn A", "Hoàng Thị B"]);
    expect(await admin.page(`/admin/accounts/${id}`)).toContain("Hoàng Thị B (hiện tại)");
  });

  it("closes an account (sign-in blocked), reopens it, and resets its password", async () => {
    const id = await idOf("huyenhalang.xaanlac");
    const noReason = await admin.post(`/admin/accounts/${id}`, { intent: "close", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await admin.post(`/admin/accounts/${id}`, { intent: "close", reason: "Sáp nhập đơn vị" })).status).toBe(200);
    const clerk = new TestClient(s.baseUrl);
    expect((await clerk.login("huyenhalang.xaanlac", TEST_DEFAULT_PASSWORD)).status).toBe(401);
    expect((await admin.post(`/admin/accounts/${id}`, { intent: "reopen", reason: "Mở lại" })).status).toBe(200);
    await clerk.loginAndSetPassword("huyenhalang.xaanlac", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    expect((await admin.post(`/admin/accounts/${id}`, { intent: "reset" })).status).toBe(200);
    expect((await clerk.get("/")).status).toBe(302); // the clerk's session ended
    const again = await clerk.login("huyenhalang.xaanlac", TEST_DEFAULT_PASSWORD);
    expect(again.headers.get("location")).toMatch(/^\/account\/password/);
  });

  it("refuses deletion of an account that produced data, in the UI and on the server", async () => {
    const clerkName = "huyenhoaan.xanamtuan";
    const id = await idOf(clerkName);
    const unit = (await s.db("users").where({ id }).first("unit_id")).unit_id;
    const tpl = await s.db("form_templates").where({ code: "BM01-DANSO" }).first("id");
    const [p] = await s.db("periods").insert({ code: "2026", type: "year", year: 2026, start_date: "2026-01-01", end_date: "2026-12-31", reference_date: "2026-12-31", deadline: "2027-01-15", status: "open", label_vi: "Năm 2026", label_en: "2026" }).returning("id");
    await s.db("submissions").insert({ period_id: p.id, form_code: "BM01-DANSO", template_id: tpl.id, unit_id: unit, created_by: id });
    const page = await admin.page(`/admin/accounts/${id}`);
    expect(page).toMatch(/disabled[^>]*>Xóa tài khoản|Không thể xóa/);
    const res = await admin.post(`/admin/accounts/${id}`, { intent: "delete" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("chỉ được đóng, không được xóa");
    expect(await s.db("users").where({ id }).first()).toBeDefined();
  });

  it("creates an account and deletes one that produced nothing", async () => {
    const unit = (await s.db("units").where({ code: "01804" }).first("id"))?.id ?? (await s.db("units").where({ tier: "commune" }).first("id")).id;
    await admin.get("/admin/accounts/new");
    const bad = await admin.post("/admin/accounts/new", { username: "Xã Có Dấu", unitId: String(unit), roles: ["submitter"] });
    expect(bad.status).toBe(400);
    const created = await admin.post("/admin/accounts/new", { username: "canbo2.test", unitId: String(unit), roles: ["submitter", "viewer"] });
    expect(created.status).toBe(302);
    const id = await idOf("canbo2.test");
    await admin.get(`/admin/accounts/${id}`);
    expect((await admin.post(`/admin/accounts/${id}`, { intent: "delete" })).status).toBe(302);
    expect(await s.db("users").where({ id }).first()).toBeUndefined();
  });

  it("is not served to other roles nor on the public port", async () => {
    const district = new TestClient(s.adminUrl);
    await district.loginAndSetPassword("huyenbaolam", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    expect((await district.get("/admin/accounts")).status).toBe(403);
    expect((await fetch(`${s.baseUrl}/admin/accounts`, { redirect: "manual" })).status).toBe(404);
  });
});
