import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../setup/server.ts";
import { TestClient } from "../setup/http.ts";
import { STRONG_PASSWORD, TEST_DEFAULT_PASSWORD } from "../setup/constants.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.stop());

describe("platform over HTTP", () => {
  it("answers /healthz with the database state", async () => {
    const res = await fetch(`${s.baseUrl}/healthz`);
    const body = await res.json();
    expect(body.database.ok).toBe(true);
    expect(body.database.schema).toMatch(/^2026/);
    expect(body).toHaveProperty("warehouse");
  });

  it("sends anonymous users to /login and serves the sign-in form with username and password fields", async () => {
    const c = new TestClient(s.baseUrl);
    const res = await c.get("/");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
    const html = await c.page("/login");
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
  });

  it("forces the first password change before anything else, then lets the user in", async () => {
    const c = new TestClient(s.baseUrl);
    const res = await c.login("huyenhoaan.xanamtuan", TEST_DEFAULT_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/account\/password/);
    // every other page redirects to the password change
    for (const p of ["/", "/?tab=1"]) {
      const r = await c.get(p);
      expect(r.status).toBe(302);
      expect(r.headers.get("location")).toBe("/account/password");
    }
    await c.get("/account/password");
    const weak = await c.post("/account/password", { currentPassword: TEST_DEFAULT_PASSWORD, newPassword: "abc", confirmPassword: "abc" });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain("ít nhất 8 ký tự");
    const ok = await c.post("/account/password", { currentPassword: TEST_DEFAULT_PASSWORD, newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD, redirectTo: "/" });
    expect(ok.status).toBe(302);
    const home = await c.page("/");
    expect(home).toContain("Xã Nam Tuấn");
  });

  it("refuses a state-changing request without the CSRF token", async () => {
    const c = new TestClient(s.baseUrl);
    await c.loginAndSetPassword("huyenhoaan", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const res = await c.post("/account/password", { currentPassword: STRONG_PASSWORD, newPassword: "X", confirmPassword: "X" }, { csrf: false });
    expect(res.status).toBe(403);
  });

  it("sign-out invalidates the session on the server", async () => {
    const c = new TestClient(s.baseUrl);
    await c.loginAndSetPassword("huyenbaolac", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const token = c.cookies.get("csdl_session")!;
    expect((await c.get("/")).status).toBe(200);
    const out = await c.post("/logout", {});
    expect(out.status).toBe(302);
    // replaying the old cookie no longer works
    const replay = new TestClient(s.baseUrl);
    replay.cookies.set("csdl_session", token);
    const r = await replay.get("/");
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toMatch(/^\/login/);
    expect(await s.db("sessions").where("id", token.split(".")[0]).first()).toBeUndefined();
  });

  it("looks the session up once per page, although the root and the page loaders both need it", async () => {
    const c = new TestClient(s.baseUrl);
    await c.loginAndSetPassword("huyenhalang", TEST_DEFAULT_PASSWORD, STRONG_PASSWORD);
    const lookups: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/from "sessions"/.test(q.sql)) lookups.push(q.sql);
    };
    s.platform.services.db.on("query", onQuery);
    try {
      expect((await c.get("/")).status).toBe(200);
    } finally {
      s.platform.services.db.off("query", onQuery);
    }
    expect(lookups, lookups.join("\n")).toHaveLength(1);
  });

  it("serves /admin only on the admin listener", async () => {
    const pub = await fetch(`${s.baseUrl}/admin`, { redirect: "manual" });
    expect(pub.status).toBe(404);
    const adm = await fetch(`${s.adminUrl}/admin`, { redirect: "manual" });
    expect(adm.status).toBe(302);
    expect(adm.headers.get("location")).toMatch(/^\/login/);
    // the admin port serves no business pages
    const forms = await fetch(`${s.adminUrl}/forms`, { redirect: "manual" });
    expect(forms.status).toBe(404);
  });
});
